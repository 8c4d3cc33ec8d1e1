using System.Globalization;

namespace Engine.Cluster.Catalog;

/// <summary>
/// What a removed torrent's catalog key holds for a while instead of being removed (<c>removed;unix-ms</c>).
/// The catalog is an <c>LWWDictionary</c>, whose keys are an observed-remove set: a removal wins only over the writes
/// its node had seen, so a pause or resume written on another node a moment before, and not yet gossiped, would bring
/// the torrent back — on every node, engines and data too. A tombstone is a write like any other, so the later of the
/// two wins by its timestamp. Tombstones older than <see cref="Lifetime"/> are removed by whichever node reads them then.
/// </summary>
internal static class CatalogTombstone
{
    private const string Prefix = "removed;";

    /// <summary>Far longer than gossip takes to reach every reachable node (seconds); short enough to keep the catalog small.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public static string Make(DateTimeOffset now) => Prefix + now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="text"/> is a tombstone; <paramref name="at"/> is when it was written.</summary>
    public static bool Is(string text, out DateTimeOffset at)
    {
        at = default;
        if (!text.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        if (long.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms <= 253_402_300_799_999)
            at = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return true; // a tombstone with a bad time is still one; it counts as expired
    }

    public static bool Expired(DateTimeOffset at, DateTimeOffset now) => now - at > Lifetime;
}
