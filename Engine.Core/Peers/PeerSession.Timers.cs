using Engine.Core.Pieces;
using Engine.Core.Primitives;

namespace Engine.Core.Peers;

/// <summary>
/// The once-a-second tick: the two-minute silence rule, keep-alives (and one to a peer silent while our requests
/// wait), the request pipeline's rate sample (and the requests beyond what it allows given back; the pace told to the
/// piece manager, unknown after a second without blocks while requests wait), skipped blocks
/// re-queued, a snubbing peer's blocks given to others.
/// </summary>
internal sealed partial class PeerSession
{
    private PeerPace _reportedPace;

    /// <summary>The periodic tick (<see cref="PeerSettings.TickInterval"/>).</summary>
    public void OnTick(DateTimeOffset now)
    {
        if (!_started || IsClosed) return;
        if (now - _lastReceived > _settings.SilenceTimeout)
        {
            Close("silent for " + _settings.SilenceTimeout, failed: false);
            return;
        }
        if (now - _lastSent >= _settings.KeepAliveInterval && _outboundQueued == 0 || ProbeDue(now))
            Send(Wire.KeepAlive.Instance, now);
        // Only a sample in which blocks arrived says anything about the peer's speed (not the wait for an unchoke).
        var downloading = !PeerChoking && AmInterested;
        var sampled = downloading && _receivedSinceTick > 0;
        if (sampled)
        {
            _pipeline.UpdateRate(_download.Rate(now));
            TrimOvercommitted(now);
        }
        // A peer we gave nothing to ask for (the endgame left it idle) is not stalled: its pace stands.
        var idle = downloading && _receivedSinceTick == 0 && _outstanding.Count == 0;
        if (!idle) ReportPace(sampled ? new PeerPace(_download.Rate(now) / TorrentLayout.BlockSize, _pipeline.Rtt ?? TimeSpan.Zero) : PeerPace.Unknown);
        _receivedSinceTick = 0;
        _hashAnswersThisTick = 0;
        ReleaseSkippedBlocks(now);
        if (_outstanding.Count > 0 && now - LastBlockAt > _settings.RequestTimeout)
        {
            // Snubbed: give its blocks to others; it may still get new ones later.
            ReleaseOutstanding();
            LastBlockAt = now;
        }
        RequestMore();
        _fx.StatsChanged();
    }

    /// <summary>Tells the piece manager how fast the peer delivers, when that changed (for the endgame: <see cref="PeerPace"/>).</summary>
    private void ReportPace(PeerPace pace)
    {
        if (pace == _reportedPace) return;
        _reportedPace = pace;
        _fx.PaceChanged(pace);
    }

    /// <summary>
    /// The peer holds far more requests than its rate needs (<see cref="RequestPipeline.Trim"/>): the newest are
    /// cancelled and given back, in the order they were requested; the peer may have sent the first of them already.
    /// </summary>
    private void TrimOvercommitted(DateTimeOffset now)
    {
        var excess = _pipeline.Trim(_outstanding.Count);
        if (excess == 0) return;
        var newest = _outstanding.TakeNewest(excess);
        Array.Reverse(newest);
        CancelAndGiveBack(newest, now, mayCome: true);
    }

    /// <summary>
    /// Our requests wait, the peer has been silent for <see cref="PeerSettings.SilentPeerProbe"/>, and we sent nothing
    /// since its silence grew that long (so one probe per silence). Something sent earlier in the silence proves
    /// nothing: it may have gone out, and been acknowledged by the transport, before the peer's process ended — cancels
    /// sent at a tick did, and the killed peer was then dropped only at the request timeout.
    /// </summary>
    private bool ProbeDue(DateTimeOffset now) =>
        _outstanding.Count > 0 && now - _lastReceived >= _settings.SilentPeerProbe && _lastSent < _lastReceived + _settings.SilentPeerProbe;

    /// <summary>
    /// Peers serve requests in order. A block still outstanding well after blocks requested later than it have
    /// arrived was skipped: cancel it and give it back, so it is requested again — from this peer or another —
    /// instead of holding the piece (and the torrent, at 99 %) until the whole-connection timeout.
    /// </summary>
    private void ReleaseSkippedBlocks(DateTimeOffset now)
    {
        if (_outstanding.TakeSkipped(now, _settings.SkippedBlockTimeout) is { } skipped) CancelAndGiveBack(skipped, now);
    }
}
