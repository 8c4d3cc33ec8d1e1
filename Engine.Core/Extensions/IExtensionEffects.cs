using Engine.Core.Wire;

namespace Engine.Core.Extensions;

/// <summary>What an extension may have its connection do: send to the peer, tell our side something.</summary>
internal interface IExtensionEffects
{
    /// <summary>Sends a message to the peer, after everything asked before.</summary>
    void Send(PeerMessage message);

    /// <summary>News for the rest of the engine (e.g. peers learnt from the peer); the shell hands it on unread.</summary>
    void Notify(object notification);
}
