namespace Engine.Core.Metainfo;

/// <summary>A .torrent file (or its bencode) that the engine refuses; the message names the problem.</summary>
public sealed class MetainfoException : Exception
{
    public MetainfoException(string message) : base(message) { }

    public MetainfoException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The message of the error raised when a BitTorrent v2-only torrent is added for download.</summary>
    public const string V2OnlyMessage = "v2-only torrents can be inspected but not downloaded yet (hybrid v1+v2 torrents can)";
}
