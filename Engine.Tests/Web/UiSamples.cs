using System.Collections.Immutable;
using Engine.Host.Web.Ui;

namespace Engine.Tests.Web;

/// <summary>Models and rows for the UI tests.</summary>
internal static class UiSamples
{
    public const string HashA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    public const string HashB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    public const string Magnet = "magnet:?xt=urn:btih:cccccccccccccccccccccccccccccccccccccccc&dn=sample";

    public static TorrentRow Row(string hash, string name = "alpha", string state = TorrentRow.States.Downloading, double progress = 0.25, int peers = 2) =>
        new(hash, name, state, progress, 4_000, (long)(4_000 * progress), 1_000, 10, peers, 3, "/data");

    public static readonly Model Empty = Model.Initial("/data");

    public static readonly Model WithTwo = Empty with { Torrents = [Row(HashA), Row(HashB, "beta", TorrentRow.States.Paused)], Loaded = true };

    public static TorrentDetails Details(string hash, int pieces = 10) => new(
        hash,
        [new FileRow("alpha/a.bin", 3_000, 0.5)],
        [new PeerRow("127.0.0.1:7000", "libtorrent 2.0.8", 100, 0, true, true, false, false, 1)],
        [new TrackerRow("http://127.0.0.1:1/announce", 0, "ok", 3, null, null)],
        new PieceMapView(pieces, 0, ImmutableArray.Create(new byte[(pieces + 7) / 8])));

    /// <summary>A model with <see cref="HashA"/> selected and its details loaded.</summary>
    public static readonly Model Selected = WithTwo with { Selected = HashA, Details = Details(HashA) };
}
