using Engine.Core.Metainfo;
using Engine.Metainfo;

namespace Engine.Host.Commands;

/// <summary>What <c>download</c> was given: a .torrent file (read before anything starts, so a bad one is one line) or a magnet link.</summary>
public sealed record TorrentSource(string Text, TorrentMetainfo? Metainfo, MagnetLink? Magnet)
{
    /// <summary>The torrent's name as far as it is known (a magnet's <c>dn</c>, else its info-hash, until the metadata arrives).</summary>
    public string Name => Metainfo?.Name ?? Magnet?.DisplayName ?? Magnet!.InfoHash.ToHex();

    public static TorrentSource Resolve(string text)
    {
        if (text.StartsWith("magnet:", StringComparison.OrdinalIgnoreCase))
        {
            try { return new TorrentSource(text, null, MagnetLink.Parse(text)); }
            catch (MagnetException e) { throw new CommandLineException($"not a usable magnet link: {e.Message}"); }
        }
        return new TorrentSource(text, Load(text), null);
    }

    /// <summary>Reads a .torrent file; a directory, a missing file or a bad torrent is a one-line error.</summary>
    public static TorrentMetainfo Load(string path)
    {
        if (Directory.Exists(path))
            throw new CommandLineException($"{path}: is a directory; give a .torrent file or a magnet link (to make a torrent of a directory: create)");
        if (!File.Exists(path))
            throw new CommandLineException($"{path}: no such file; give a .torrent file or a magnet link (quote it: 'magnet:?xt=...')");
        try { return TorrentMetainfo.Load(path); }
        catch (MetainfoException e) { throw new CommandLineException(e.Message.Contains(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}"); }
        catch (UnauthorizedAccessException) { throw new CommandLineException($"{path}: permission denied reading the file"); }
        catch (IOException e) { throw new CommandLineException($"{path}: {e.Message}"); }
    }
}
