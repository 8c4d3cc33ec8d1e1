using Engine.Api;

namespace Engine.Tests.Utp;

/// <summary>Waiting for a torrent's first peer connection, to look at its transport.</summary>
internal static class UtpPeers
{
    public static async Task<PeerSnapshot> FirstAsync(TorrentHandle handle)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if ((await handle.GetPeersAsync()).FirstOrDefault() is { } p) return p;
            await Task.Delay(50);
        }
        throw new TimeoutException("no peer connected within 30 s");
    }
}
