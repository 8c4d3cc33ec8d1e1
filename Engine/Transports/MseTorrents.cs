using System.Collections.Concurrent;
using Engine.Core.Encryption;
using Engine.Core.Primitives;

namespace Engine.Transports;

/// <summary>
/// The engine's torrents as an encrypted incoming connection names them: by HASH('req2', info-hash). Kept by the engine
/// root as torrents come and go, read by the listener's handshakes on other threads.
/// </summary>
internal sealed class MseTorrents
{
    private readonly ConcurrentDictionary<string, InfoHash> _byReq2 = new();

    public void Add(InfoHash hash) => _byReq2[Convert.ToHexString(MseKeys.Req2(hash))] = hash;

    public void Remove(InfoHash hash) => _byReq2.TryRemove(Convert.ToHexString(MseKeys.Req2(hash)), out _);

    public InfoHash? Find(byte[] req2) => _byReq2.TryGetValue(Convert.ToHexString(req2), out var hash) ? hash : null;
}
