namespace Engine.Core.Metainfo;

/// <summary>A .torrent file (or its bencode) that the engine refuses; the message names the problem.</summary>
public sealed class MetainfoException : Exception
{
    public MetainfoException(string message) : base(message) { }

    public MetainfoException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The message of the error raised when a v2-only magnet link (btmh alone) is added for download.</summary>
    public const string V2MagnetMessage =
        "v2-only magnet links cannot be downloaded yet (the piece layers would have to come from peers): add the .torrent file";
}
