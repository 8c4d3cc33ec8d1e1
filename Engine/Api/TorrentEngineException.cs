using Engine.Core.Primitives;

namespace Engine.Api;

/// <summary>Base of every error the public API raises; the message names the problem.</summary>
public class TorrentEngineException : Exception
{
    public TorrentEngineException(string message) : base(message) { }
    public TorrentEngineException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The .torrent file or magnet link cannot be used (unreadable, malformed, unsupported).</summary>
public sealed class InvalidTorrentException : TorrentEngineException
{
    public InvalidTorrentException(string message) : base(message) { }
    public InvalidTorrentException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A torrent with the same info-hash is already in the engine.</summary>
public sealed class DuplicateTorrentException(InfoHash infoHash, string name)
    : TorrentEngineException($"torrent {infoHash} ({name}) is already added")
{
    public InfoHash InfoHash { get; } = infoHash;
}

/// <summary>The handle's torrent was removed from the engine.</summary>
public sealed class TorrentRemovedException(InfoHash infoHash)
    : TorrentEngineException($"torrent {infoHash} has been removed from the engine")
{
    public InfoHash InfoHash { get; } = infoHash;
}

/// <summary>The engine has been stopped (or disposed).</summary>
public sealed class EngineStoppedException() : TorrentEngineException("the torrent engine has been stopped");

/// <summary>An option of <see cref="TorrentEngineOptions"/> is out of range.</summary>
public sealed class InvalidEngineOptionsException(string message) : TorrentEngineException("invalid engine options: " + message);

/// <summary>Part of the engine did not answer in time (it is overloaded or stuck).</summary>
public sealed class EngineTimeoutException(string message, Exception? inner = null)
    : TorrentEngineException(message, inner ?? new TimeoutException(message));
