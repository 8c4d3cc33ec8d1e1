namespace Engine.Tests.Lab;

/// <summary>
/// The last whole status block a <c>node</c> process wrote (<c>Engine.Host.Output.NodeLines</c>): the members line, then
/// one line per torrent with the nodes placement gives it and the replicas nodes report (<c>host:port complete</c> or
/// <c>host:port verified/total</c>).
/// </summary>
public sealed record NodeStatusBlock(IReadOnlyList<string> Members, IReadOnlyDictionary<string, NodeStatusBlock.Torrent> Torrents)
{
    public sealed record Torrent(IReadOnlyList<string> PlacedOn, IReadOnlyList<(string Node, bool Complete)> Replicas);

    /// <summary>The last block of <paramref name="lines"/> whose torrent lines are all there; null before the first.</summary>
    public static NodeStatusBlock? Last(IReadOnlyList<string> lines)
    {
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            if (!lines[i].StartsWith("members ", StringComparison.Ordinal)) continue;
            var head = lines[i];
            var count = int.Parse(head[(head.LastIndexOf("; torrents ", StringComparison.Ordinal) + "; torrents ".Length)..], System.Globalization.CultureInfo.InvariantCulture);
            if (i + count >= lines.Count) continue; // still being written
            var colon = head.IndexOf(':', StringComparison.Ordinal);
            var members = List(head[(colon + 1)..head.LastIndexOf("; torrents ", StringComparison.Ordinal)]);
            var torrents = new Dictionary<string, Torrent>();
            for (var j = i + 1; j <= i + count; j++)
            {
                var line = lines[j].Trim();
                var hash = line[..line.IndexOf(' ', StringComparison.Ordinal)];
                var placed = Between(line, "; placed on ", "; replicas ");
                var replicas = line[(line.IndexOf("; replicas ", StringComparison.Ordinal) + "; replicas ".Length)..];
                torrents[hash] = new Torrent(List(placed), replicas == "none yet" ? []
                    : List(replicas).Select(r => (r.Split(' ')[0], r.EndsWith(" complete", StringComparison.Ordinal))).ToList());
            }
            return new NodeStatusBlock(members, torrents);
        }
        return null;
    }

    private static string Between(string line, string from, string to)
    {
        var start = line.IndexOf(from, StringComparison.Ordinal) + from.Length;
        return line[start..line.IndexOf(to, start, StringComparison.Ordinal)];
    }

    private static List<string> List(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
