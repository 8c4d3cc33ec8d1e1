using Engine.Core.Pieces;

namespace Engine.Torrents;

/// <summary>
/// Priorities of a torrent's files (<see cref="PiecePriorities"/> levels) given before its file count may be known (a
/// magnet's <c>so=</c>): file i has <c>Levels[i]</c>, and files past the list have <paramref name="Others"/>.
/// </summary>
internal sealed record FileLevels(IReadOnlyList<byte> Levels, byte Others = PiecePriorities.Normal)
{
    public byte[] For(int fileCount)
    {
        var levels = new byte[fileCount];
        for (var i = 0; i < fileCount; i++) levels[i] = i < Levels.Count ? Levels[i] : Others;
        return levels;
    }
}
