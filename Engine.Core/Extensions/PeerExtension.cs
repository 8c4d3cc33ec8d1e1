using Engine.Core.Bencode;

namespace Engine.Core.Extensions;

/// <summary>
/// One BEP 10 extension on one connection: its codec and its handler, e.g. <c>ut_metadata</c>. An
/// <see cref="ExtensionRegistry"/> names it in our extension handshake and makes one instance per connection, so
/// an instance may keep per-peer state. Everything it does to the peer goes through its <see cref="ExtensionLink"/>.
/// Pure like the rest of the peer session: no I/O, no clock (time comes with the inputs that need it).
/// </summary>
internal abstract class PeerExtension
{
    /// <summary>Adds this extension's own keys to our extension handshake (e.g. <c>metadata_size</c>).</summary>
    public virtual void WriteHandshake(BDictionaryBuilder handshake) { }

    /// <summary>The peer's extension handshake arrived (again, possibly): <paramref name="link"/> knows whether it supports us.</summary>
    public virtual void OnHandshake(ExtensionHandshake theirs, ExtensionLink link) { }

    /// <summary>A message for this extension arrived (under the id we gave it). A malformed one may throw <see cref="ExtensionException"/>.</summary>
    public abstract void OnMessage(ReadOnlyMemory<byte> payload, ExtensionLink link);

    /// <summary>Something from our side for this extension (the connection's shell passes it through unread).</summary>
    public virtual void OnLocal(object input, ExtensionLink link) { }
}
