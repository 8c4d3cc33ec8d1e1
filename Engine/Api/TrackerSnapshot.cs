namespace Engine.Api;

/// <summary>One tracker of a torrent (from <see cref="TorrentHandle.GetTrackersAsync"/>).</summary>
/// <param name="Tier">BEP 12 tier, 0 first.</param>
/// <param name="Status">"waiting", "ok", "error", "unsupported scheme", "idle" (the torrent is paused or stopped)...</param>
/// <param name="Peers">Peers the last announce returned.</param>
public sealed record TrackerSnapshot(string Url, int Tier, string Status, int Peers, DateTimeOffset? LastAnnounce, string? Error);
