namespace Engine.Core.Trackers;

/// <summary>The <c>action</c> field of a UDP tracker packet (BEP 15).</summary>
internal enum UdpAction
{
    Connect = 0,
    Announce = 1,
    Scrape = 2,
    Error = 3,
}
