namespace Engine.Core.PortMapping;

/// <summary>A SOAP call to a gateway's control URL: the <c>SOAPAction</c> header's value (quoted) and the envelope to POST as <c>text/xml</c>.</summary>
internal sealed record UpnpSoapRequest(string Action, string SoapAction, string Body);
