using Akka.Actor;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;

namespace Engine.Runtime;

/// <summary>
/// A hybrid torrent's second name (BEP 52): peers of the v2 swarm connect with its truncated v2 info-hash, so the
/// listener's handshakes and MSE's stream keys under that hash reach the torrent registered under its v1 hash; so do
/// the requests of a handle made from a btmh-only magnet of a hybrid (its hash is the v2 one).
/// </summary>
internal sealed partial class EngineRoot
{
    private readonly Dictionary<InfoHash, InfoHash> _aliases = new();

    private void AddAlias(TorrentMetainfo torrent)
    {
        if (torrent.HybridV2Hash is not { } v2 || _torrents.ContainsKey(v2)) return;
        _aliases[v2] = torrent.InfoHash;
        _engine.MseTorrents.Add(v2);
    }

    private void ForgetAlias(InfoHash primary)
    {
        foreach (var (alias, target) in _aliases)
            if (target == primary)
            {
                _aliases.Remove(alias);
                _engine.MseTorrents.Remove(alias);
                return;
            }
    }

    /// <summary>The hash a torrent is registered under: a hybrid's v1 hash for its v2 hash (a handle made from a btmh-only magnet names it so).</summary>
    private InfoHash Primary(InfoHash hash) => !_torrents.ContainsKey(hash) && _aliases.TryGetValue(hash, out var primary) ? primary : hash;

    /// <summary>The torrent (or magnet fetcher) a handshake's or a handle's info-hash names: its own hash, or a hybrid's v2 hash.</summary>
    private bool TryRoute(InfoHash hash, out IActorRef torrent) =>
        _torrents.TryGetValue(hash, out torrent!) || (_aliases.TryGetValue(hash, out var primary) && _torrents.TryGetValue(primary, out torrent!));
}
