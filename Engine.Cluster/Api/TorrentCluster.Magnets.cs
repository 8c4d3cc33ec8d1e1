using System.Net;
using Engine.Api;
using Engine.Core.Metadata;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;

namespace Engine.Cluster.Api;

/// <summary>A magnet link into the catalog: this node's engine fetches the metadata (BEP 9), the catalog gets the .torrent.</summary>
public sealed partial class TorrentCluster
{
    /// <summary>How long <see cref="AddMagnetAsync"/> waits for the metadata when not told.</summary>
    public static readonly TimeSpan MetadataTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Puts a magnet link's torrent in the catalog: this node's engine fetches its metadata from the magnet's peers and
    /// trackers, the DHT and <paramref name="sources"/> (in a scratch directory, dropped with whatever it wrote once the
    /// metadata is here), then the .torrent made of it is added as <see cref="AddAsync"/> does. A torrent the catalog has
    /// already is answered at once. Throws <see cref="MagnetException"/> for a bad link and <see cref="TimeoutException"/>
    /// when no peer gave the metadata within <paramref name="timeout"/> (default <see cref="MetadataTimeout"/>).
    /// </summary>
    public async Task<InfoHash> AddMagnetAsync(string magnetLink, int? replicas = null, IEnumerable<IPEndPoint>? sources = null,
        TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var magnet = MagnetLink.Parse(magnetLink);
        var peers = sources?.ToList() ?? [];
        if ((await ListAsync(ct).ConfigureAwait(false)).Any(t => t.InfoHash == magnet.InfoHash)) return magnet.InfoHash;
        var torrent = await FetchTorrentAsync(magnet, magnetLink, peers, timeout ?? MetadataTimeout, ct).ConfigureAwait(false);
        return await AddAsync(torrent, replicas, peers, ct).ConfigureAwait(false);
    }

    private async Task<byte[]> FetchTorrentAsync(MagnetLink magnet, string link, IReadOnlyList<IPEndPoint> peers, TimeSpan timeout, CancellationToken ct)
    {
        if (Engine.Find(magnet.InfoHash) is { Metainfo: { } held }) return MetadataTorrentFile.Build(held.RawInfo.Span, magnet);
        var scratch = Path.Combine(_options.DataDirectory, "metadata", magnet.InfoHash.ToHex());
        var handle = await Engine.AddAsync(link, scratch, new TorrentOptions { Remember = false }, ct).ConfigureAwait(false);
        try
        {
            if (peers.Count > 0) handle.AddPeers(peers);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(timeout);
            while (handle.Metainfo is null)
            {
                try { await Task.Delay(100, wait.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new TimeoutException($"no peer gave the metadata of {magnet.InfoHash.ToHex()} within {timeout.TotalSeconds:0} s");
                }
            }
            return MetadataTorrentFile.Build(handle.Metainfo.RawInfo.Span, magnet);
        }
        finally
        {
            try { await handle.RemoveAsync(deleteData: true).ConfigureAwait(false); }
            catch (TorrentEngineException) { } // gone already
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }
}
