using System.Net;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;

namespace Engine.Cluster.Catalog;

/// <summary>
/// One torrent of the cluster's catalog: its .torrent bytes, how many replicas it wants and peers outside the cluster
/// that have it. Kept in Akka.DistributedData as text (<see cref="Encode"/>), so the replicator's own serializer carries it.
/// </summary>
internal sealed record CatalogEntry(byte[] Torrent, int Replicas, IReadOnlyList<IPEndPoint> Sources)
{
    private const string Version = "v1";

    /// <summary><c>v1;R;host:port,host:port;base64 torrent</c>.</summary>
    public string Encode() => string.Join(';', Version, Replicas.ToString(System.Globalization.CultureInfo.InvariantCulture),
        string.Join(',', Sources.Select(s => s.ToString())), Convert.ToBase64String(Torrent));

    /// <summary>Reads what <see cref="Encode"/> wrote; null, with the reason, for anything else.</summary>
    public static CatalogEntry? TryDecode(string text, out string? error)
    {
        error = null;
        var parts = text.Split(';');
        if (parts.Length != 4 || parts[0] != Version) { error = "not a v1 catalog entry"; return null; }
        if (!int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var replicas) || replicas < 1)
        { error = $"bad replica count '{parts[1]}'"; return null; }
        var sources = new List<IPEndPoint>();
        foreach (var s in parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!IPEndPoint.TryParse(s, out var ep) || ep.Port == 0) { error = $"bad source '{s}'"; return null; }
            sources.Add(ep);
        }
        try { return new CatalogEntry(Convert.FromBase64String(parts[3]), replicas, sources); }
        catch (FormatException) { error = "the torrent is not base64"; return null; }
    }

    /// <summary>The parsed torrent; a catalog entry whose bytes are no .torrent throws <see cref="MetainfoException"/>.</summary>
    public TorrentMetainfo Metainfo() => TorrentMetainfo.Parse(Torrent);

    public static string Key(InfoHash hash) => hash.ToHex();
}
