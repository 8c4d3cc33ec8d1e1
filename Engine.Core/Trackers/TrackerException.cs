namespace Engine.Core.Trackers;

/// <summary>A tracker response that cannot be understood. The message names the problem.</summary>
internal sealed class TrackerException : Exception
{
    public TrackerException(string message) : base(message) { }

    public TrackerException(string message, Exception inner) : base(message, inner) { }
}
