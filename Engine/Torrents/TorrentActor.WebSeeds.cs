using Engine.Core.WebSeeds;
using Engine.WebSeeds;

namespace Engine.Torrents;

/// <summary>The torrent's web seeds (BEP 19), handed to each PeerManager it starts, which runs them beside its peers.</summary>
internal sealed partial class TorrentActor
{
    private WebSeedFiles? _webSeedFiles;
    private readonly bool _useWebSeeds; // TorrentOptions.WebSeeds

    /// <summary>Null when the engine does not use web seeds, this torrent was added without them, or it names none.</summary>
    private WebSeedContext? WebSeedContext()
    {
        if (_engine.WebSeeds is not { } settings || !_useWebSeeds || _torrent.UrlList.Count == 0) return null;
        _webSeedFiles ??= WebSeedFiles.From(_torrent);
        return new WebSeedContext(_torrent.Layout, _webSeedFiles, _pieces, _engine.Pool, settings)
        {
            Urls = _torrent.UrlList,
            Download = _bandwidth.DownloadThrottle(_engine.Bandwidth),
            DiskBudget = _engine.DiskBudget,
            DiskCreditBlocks = _engine.PeerSettings.DiskCreditBlocks,
        };
    }
}
