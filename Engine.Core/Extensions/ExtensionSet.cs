using Engine.Core.Bencode;

namespace Engine.Core.Extensions;

/// <summary>
/// One connection's extensions (made by <see cref="ExtensionRegistry.Open"/>): writes their part of our extension
/// handshake, learns the peer's ids from its handshake, and routes each extended message to its extension by the
/// id we gave it.
/// </summary>
internal sealed class ExtensionSet
{
    private readonly (PeerExtension Extension, ExtensionLink Link)[] _extensions;

    internal ExtensionSet((PeerExtension, ExtensionLink)[] extensions) => _extensions = extensions;

    public ExtensionLink? Link(string name)
    {
        foreach (var (_, link) in _extensions)
            if (link.Name == name) return link;
        return null;
    }

    /// <summary>Adds <c>m</c> (name → our id) and each extension's own keys.</summary>
    public void WriteHandshake(BDictionaryBuilder handshake)
    {
        var m = new BDictionaryBuilder();
        foreach (var (extension, link) in _extensions)
        {
            m.Add(link.Name, link.LocalId);
            extension.WriteHandshake(handshake);
        }
        handshake.Add("m", m);
    }

    /// <summary>The peer's handshake: each extension learns the id the peer wants (0: not supported, or disabled now).</summary>
    public void OnHandshake(ExtensionHandshake theirs, DateTimeOffset now)
    {
        foreach (var (extension, link) in _extensions)
        {
            link.Now = now;
            link.RemoteId = (byte)(theirs.IdOf(link.Name) ?? 0);
            extension.OnHandshake(theirs, link);
        }
    }

    /// <summary>Routes a message the peer sent under <paramref name="localId"/>; false when no extension of ours has that id.</summary>
    public bool Dispatch(byte localId, ReadOnlyMemory<byte> payload, DateTimeOffset now)
    {
        if (localId == 0 || localId > _extensions.Length) return false;
        var (extension, link) = _extensions[localId - 1];
        link.Now = now;
        extension.OnMessage(payload, link);
        return true;
    }

    /// <summary>Hands <paramref name="input"/> to the extension called <paramref name="name"/>; false when there is none.</summary>
    public bool Deliver(string name, object input, DateTimeOffset now)
    {
        foreach (var (extension, link) in _extensions)
        {
            if (link.Name != name) continue;
            link.Now = now;
            extension.OnLocal(input, link);
            return true;
        }
        return false;
    }
}
