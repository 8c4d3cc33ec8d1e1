using System.Globalization;
using System.Net;
using Engine.Api;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;

namespace Engine.Cluster.Catalog;

/// <summary>
/// One torrent of the cluster's catalog: its .torrent bytes, how many replicas it wants, peers outside the cluster
/// that have it, whether it is paused (on every replica, and on any node that takes one over), and its own rate limits
/// and file priorities (applied by every node that holds a replica). Kept in Akka.DistributedData as text
/// (<see cref="Encode"/>), so the replicator's own serializer carries it.
/// </summary>
internal sealed record CatalogEntry(byte[] Torrent, int Replicas, IReadOnlyList<IPEndPoint> Sources)
{
    private const string PausedFlag = "paused";

    /// <summary>Paused from some node: every replica is paused, and a new replica starts paused.</summary>
    public bool Paused { get; init; }

    /// <summary>Each replica's own upload limit in bytes/s; null: none.</summary>
    public long? UploadLimit { get; init; }

    /// <summary>Each replica's own download limit in bytes/s; null: none.</summary>
    public long? DownloadLimit { get; init; }

    /// <summary>The files' priorities by index (files past the list are normal); null: every file normal.</summary>
    public IReadOnlyList<FilePriority>? FilePriorities { get; init; }

    /// <summary>What a replica's engine is told besides pause: compared as a value to see whether a held replica must change.</summary>
    public (long? Upload, long? Download, string Priorities) Settings =>
        (UploadLimit, DownloadLimit, FilePriorities is null ? "" : string.Concat(FilePriorities.Select(p => (char)('0' + (int)p))));

    /// <summary>
    /// <c>v3;R;host:port,host:port;flags;upload;download;priorities;base64 torrent</c> (flags: <c>paused</c> or empty; a
    /// limit empty for none; priorities one digit per file, 0 skip to 3 high, empty for all normal), or the <c>v2</c> form
    /// without limits and priorities when there are none (what nodes of the version before read).
    /// </summary>
    public string Encode()
    {
        var r = Replicas.ToString(CultureInfo.InvariantCulture);
        var sources = string.Join(',', Sources.Select(s => s.ToString()));
        var flags = Paused ? PausedFlag : "";
        var torrent = Convert.ToBase64String(Torrent);
        var (up, down, priorities) = Settings;
        if (up is null && down is null && priorities.Length == 0) return string.Join(';', "v2", r, sources, flags, torrent);
        return string.Join(';', "v3", r, sources, flags, Number(up), Number(down), priorities, torrent);
    }

    private static string Number(long? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>Reads what <see cref="Encode"/> wrote, or the older v1 form without flags (<c>v1;R;sources;torrent</c>); null, with the reason, for anything else.</summary>
    public static CatalogEntry? TryDecode(string text, out string? error)
    {
        error = null;
        var parts = text.Split(';');
        var version = parts switch
        {
            { Length: 4 } when parts[0] == "v1" => 1,
            { Length: 5 } when parts[0] == "v2" => 2,
            { Length: 8 } when parts[0] == "v3" => 3,
            _ => 0,
        };
        if (version == 0) { error = "not a v1, v2 or v3 catalog entry"; return null; }
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var replicas) || replicas < 1)
        { error = $"bad replica count '{parts[1]}'"; return null; }
        var sources = new List<IPEndPoint>();
        foreach (var s in parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!IPEndPoint.TryParse(s, out var ep) || ep.Port == 0) { error = $"bad source '{s}'"; return null; }
            sources.Add(ep);
        }
        if (version >= 2 && parts[3] is not ("" or PausedFlag)) { error = $"bad flags '{parts[3]}'"; return null; }
        long? up = null, down = null;
        List<FilePriority>? priorities = null;
        if (version == 3 && (!TryLimit(parts[4], out up) || !TryLimit(parts[5], out down) || !TryPriorities(parts[6], out priorities)))
        { error = $"bad limits or priorities '{parts[4]};{parts[5]};{parts[6]}'"; return null; }
        try
        {
            return new CatalogEntry(Convert.FromBase64String(parts[^1]), replicas, sources)
            {
                Paused = version >= 2 && parts[3] == PausedFlag,
                UploadLimit = up,
                DownloadLimit = down,
                FilePriorities = priorities,
            };
        }
        catch (FormatException) { error = "the torrent is not base64"; return null; }
    }

    /// <summary>A limit as the catalog writes it: bytes/s above 0, or empty for none.</summary>
    internal static bool TryLimit(string text, out long? limit)
    {
        limit = null;
        if (text.Length == 0) return true;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0) return false;
        limit = n;
        return true;
    }

    private static bool TryPriorities(string text, out List<FilePriority>? priorities)
    {
        priorities = null;
        if (text.Length == 0) return true;
        var list = new List<FilePriority>(text.Length);
        foreach (var c in text)
        {
            if (c is < '0' or > '3') return false;
            list.Add((FilePriority)(c - '0'));
        }
        priorities = list;
        return true;
    }

    /// <summary>The parsed torrent; a catalog entry whose bytes are no .torrent throws <see cref="MetainfoException"/>.</summary>
    public TorrentMetainfo Metainfo() => TorrentMetainfo.Parse(Torrent);

    public static string Key(InfoHash hash) => hash.ToHex();
}
