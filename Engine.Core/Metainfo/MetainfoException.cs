namespace Engine.Core.Metainfo;

/// <summary>A .torrent file (or its bencode) that the engine refuses; the message names the problem.</summary>
public sealed class MetainfoException : Exception
{
    public MetainfoException(string message) : base(message) { }

    public MetainfoException(string message, Exception inner) : base(message, inner) { }
}
