using Engine.Core.Wire;

namespace Engine.Core.Extensions;

/// <summary>One extension's view of its connection: the id the peer wants its messages under, and what it may do.</summary>
internal sealed class ExtensionLink(string name, byte localId, IExtensionEffects effects)
{
    public string Name { get; } = name;

    /// <summary>The id the peer sends this extension's messages under (ours, from our handshake).</summary>
    public byte LocalId { get; } = localId;

    /// <summary>The id the peer wants this extension's messages under; 0 until its handshake names it (or when it disabled it).</summary>
    public byte RemoteId { get; internal set; }

    /// <summary>The time of the input being handled (the session's <c>now</c>).</summary>
    public DateTimeOffset Now { get; internal set; }

    /// <summary>The peer said it supports this extension.</summary>
    public bool Supported => RemoteId != 0;

    /// <summary>Sends <paramref name="payload"/> to the peer as this extension's message; false (nothing sent) when it does not support it.</summary>
    public bool Send(byte[] payload)
    {
        if (!Supported) return false;
        effects.Send(new Extended(RemoteId, payload));
        return true;
    }

    /// <summary>Tells the rest of the engine something (see <see cref="IExtensionEffects.Notify"/>).</summary>
    public void Notify(object notification) => effects.Notify(notification);
}
