using Engine.Core.Primitives;

namespace Engine.Core.Trackers;

/// <summary>Swarm counts for one torrent from a scrape.</summary>
/// <param name="Complete">Seeders.</param>
/// <param name="Downloaded">Completed downloads the tracker has seen.</param>
/// <param name="Incomplete">Leechers.</param>
/// <param name="Name">The torrent's name, if the tracker sent one.</param>
internal sealed record ScrapeStats(int Complete, int Downloaded, int Incomplete, string? Name);

/// <summary>A decoded scrape response (the BEP 48 convention).</summary>
/// <param name="FailureReason">Set when the tracker refused the scrape.</param>
/// <param name="Files">Stats by info-hash.</param>
/// <param name="MinRequestInterval">From <c>flags.min_request_interval</c>, if sent.</param>
internal sealed record ScrapeResponse(
    string? FailureReason,
    IReadOnlyDictionary<InfoHash, ScrapeStats> Files,
    TimeSpan? MinRequestInterval)
{
    public bool IsFailure => FailureReason is not null;
}
