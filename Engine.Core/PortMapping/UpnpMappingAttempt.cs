namespace Engine.Core.PortMapping;

/// <summary>
/// One AddPortMapping try: the external port asked for and the lease. <see cref="After"/> is what a UPnP error leads
/// to: 725 (only permanent leases) → the same with lease 0; 718 or 729 (the port is someone else's) → the next port,
/// at most <see cref="MaxTries"/> tries in all; 724 (same port values required) → the internal port; else nothing.
/// </summary>
internal sealed record UpnpMappingAttempt(int ExternalPort, TimeSpan Lease, int Try = 1)
{
    public const int MaxTries = 4;

    public UpnpMappingAttempt? After(int errorCode, int internalPort) => errorCode switch
    {
        725 when Lease != TimeSpan.Zero => this with { Lease = TimeSpan.Zero },
        718 or 729 when Try < MaxTries => this with { ExternalPort = ExternalPort >= 65535 ? 1024 : ExternalPort + 1, Try = Try + 1 },
        724 when ExternalPort != internalPort => this with { ExternalPort = internalPort, Try = Try + 1 },
        _ => null,
    };
}
