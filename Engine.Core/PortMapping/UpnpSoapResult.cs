namespace Engine.Core.PortMapping;

/// <summary>A gateway's answer to a SOAP call: the action's out-arguments, or a UPnP error.</summary>
internal abstract record UpnpSoapResult
{
    /// <summary>The <c>…Response</c> element's children by name (at most 32, each value at most 1024 characters).</summary>
    public sealed record Success(IReadOnlyDictionary<string, string> Values) : UpnpSoapResult;

    /// <summary>A SOAP fault with its <c>UPnPError</c>: <see cref="Code"/> (718 ConflictInMappingEntry…; 0 when the fault has none).</summary>
    public sealed record Fault(int Code, string Description) : UpnpSoapResult
    {
        public override string ToString() => $"UPnP error {Code} ({(Description.Length > 0 ? Description : UpnpSoap.Describe(Code))})";
    }
}
