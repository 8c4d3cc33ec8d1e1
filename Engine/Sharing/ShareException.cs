namespace Engine.Sharing;

/// <summary>A shared-directory operation that cannot be done (unknown name, tracker unreachable, bad state). The message says why.</summary>
public sealed class ShareException : Exception
{
    public ShareException(string message) : base(message) { }

    public ShareException(string message, Exception inner) : base(message, inner) { }
}
