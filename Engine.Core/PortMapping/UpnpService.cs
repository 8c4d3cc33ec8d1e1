namespace Engine.Core.PortMapping;

/// <summary>A gateway's WAN connection service: its type (WANIPConnection or WANPPPConnection, with version) and where its SOAP actions go.</summary>
internal sealed record UpnpService(string ServiceType, Uri ControlUrl);
