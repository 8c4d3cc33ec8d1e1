using Engine.Api;
using Engine.Host.Web.Ui;

namespace Engine.Host.Web.Rest;

/// <summary><c>GET /api/torrents/{hash}</c>: the full status of one torrent.</summary>
public sealed record TorrentStatusView(
    string Hash,
    string Name,
    string State,
    double Progress,
    long TotalBytes,
    long VerifiedBytes,
    int PieceCount,
    int VerifiedPieces,
    double DownloadRate,
    double UploadRate,
    long Downloaded,
    long Uploaded,
    int Peers,
    int KnownPeers,
    double? EtaSeconds,
    double CheckProgress,
    int HashFailures,
    string? Error,
    string SaveDirectory,
    IReadOnlyList<FileRow> Files)
{
    public static TorrentStatusView From(TorrentSnapshot s) => new(
        s.InfoHash.ToHex(), s.Name, s.State.ToString(), s.Progress, s.TotalBytes, s.VerifiedBytes, s.PieceCount, s.VerifiedPieces,
        s.DownloadRate, s.UploadRate, s.Downloaded, s.Uploaded, s.Peers, s.KnownPeers,
        s.Eta is { } eta ? Math.Round(eta.TotalSeconds) : null, s.CheckProgress, s.HashFailures, s.Error, s.SaveDirectory,
        s.Files.Select(EngineViews.File).ToList());
}

/// <summary><c>GET /api/torrents/{hash}/pieces</c>: <paramref name="Bitfield"/> is base64 of the verified pieces in wire order (piece 0 = high bit of byte 0).</summary>
public sealed record PiecesView(int PieceCount, int VerifiedCount, string Bitfield)
{
    public static PiecesView From(PieceMap map) => new(map.PieceCount, map.VerifiedCount, Convert.ToBase64String(map.Bitfield.Span));
}

/// <summary>JSON body of <c>POST /api/torrents</c>: exactly one of <paramref name="Magnet"/> and <paramref name="Path"/>.</summary>
/// <param name="Path">A .torrent file on the server's disk.</param>
/// <param name="SaveDirectory">Where to save (relative: under the data directory; missing: the data directory).</param>
/// <param name="Peer">Optional address:port to connect to at once.</param>
/// <param name="WebSeeds">False: never fetch from the torrent's web seeds (BEP 19); missing: use them.</param>
public sealed record AddTorrentBody(string? Magnet, string? Path, string? SaveDirectory, string? Peer, bool? WebSeeds = null);
