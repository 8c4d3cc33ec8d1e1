namespace Engine.PortMapping;

/// <summary>Why a UPnP step failed, worded for the port mapping's status line.</summary>
internal sealed class UpnpException(string message) : Exception(message);
