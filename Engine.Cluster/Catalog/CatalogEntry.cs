using System.Net;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;

namespace Engine.Cluster.Catalog;

/// <summary>
/// One torrent of the cluster's catalog: its .torrent bytes, how many replicas it wants, peers outside the cluster
/// that have it and whether it is paused (on every replica, and on any node that takes one over). Kept in
/// Akka.DistributedData as text (<see cref="Encode"/>), so the replicator's own serializer carries it.
/// </summary>
internal sealed record CatalogEntry(byte[] Torrent, int Replicas, IReadOnlyList<IPEndPoint> Sources)
{
    private const string PausedFlag = "paused";

    /// <summary>Paused from some node: every replica is paused, and a new replica starts paused.</summary>
    public bool Paused { get; init; }

    /// <summary><c>v2;R;host:port,host:port;flags;base64 torrent</c> (flags: <c>paused</c> or empty).</summary>
    public string Encode() => string.Join(';', "v2", Replicas.ToString(System.Globalization.CultureInfo.InvariantCulture),
        string.Join(',', Sources.Select(s => s.ToString())), Paused ? PausedFlag : "", Convert.ToBase64String(Torrent));

    /// <summary>Reads what <see cref="Encode"/> wrote, or the v1 form without flags (<c>v1;R;sources;torrent</c>); null, with the reason, for anything else.</summary>
    public static CatalogEntry? TryDecode(string text, out string? error)
    {
        error = null;
        var parts = text.Split(';');
        var v2 = parts.Length == 5 && parts[0] == "v2";
        if (!v2 && !(parts.Length == 4 && parts[0] == "v1")) { error = "not a v1 or v2 catalog entry"; return null; }
        if (!int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var replicas) || replicas < 1)
        { error = $"bad replica count '{parts[1]}'"; return null; }
        var sources = new List<IPEndPoint>();
        foreach (var s in parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!IPEndPoint.TryParse(s, out var ep) || ep.Port == 0) { error = $"bad source '{s}'"; return null; }
            sources.Add(ep);
        }
        var paused = false;
        if (v2)
        {
            if (parts[3] is not ("" or PausedFlag)) { error = $"bad flags '{parts[3]}'"; return null; }
            paused = parts[3] == PausedFlag;
        }
        try { return new CatalogEntry(Convert.FromBase64String(parts[^1]), replicas, sources) { Paused = paused }; }
        catch (FormatException) { error = "the torrent is not base64"; return null; }
    }

    /// <summary>The parsed torrent; a catalog entry whose bytes are no .torrent throws <see cref="MetainfoException"/>.</summary>
    public TorrentMetainfo Metainfo() => TorrentMetainfo.Parse(Torrent);

    public static string Key(InfoHash hash) => hash.ToHex();
}
