using System.Collections.Immutable;
using System.Net;

namespace Engine.Host.Web.Ui;

/// <summary>Where a torrent to add comes from.</summary>
public enum AddSource
{
    /// <summary>A .torrent file uploaded from the browser.</summary>
    Upload,
    Magnet,
    /// <summary>A .torrent file (or magnet) on the server's disk.</summary>
    ServerPath,
}

/// <summary>The state of the "add a torrent" form.</summary>
/// <param name="Peer">Optional host:port of a peer to connect to at once (for swarms without a tracker).</param>
/// <param name="Busy">An add is in flight: the submit button is disabled.</param>
/// <param name="Serial">Counts successful adds, so the view can give the browser's file input a fresh element.</param>
public sealed record AddForm(
    AddSource Source,
    string Magnet,
    string Path,
    string? FileName,
    ImmutableArray<byte> FileBytes,
    string SaveDirectory,
    string Peer,
    bool Busy,
    string? Error,
    int Serial = 0)
{
    public static AddForm Empty(string saveDirectory) =>
        new(AddSource.Upload, "", "", null, ImmutableArray<byte>.Empty, saveDirectory, "", Busy: false, Error: null);
}

/// <summary>A validated add, handed to the engine by <see cref="Cmd.AddTorrent"/>.</summary>
/// <param name="TorrentFile">The uploaded .torrent's bytes (source <see cref="AddSource.Upload"/>).</param>
/// <param name="PathOrMagnet">A magnet link or a server-side path (the other sources).</param>
public sealed record AddRequest(ImmutableArray<byte> TorrentFile, string? PathOrMagnet, string SaveDirectory, IPEndPoint? Peer)
{
    /// <summary>False: the torrent never fetches from its web seeds (<see cref="Engine.Api.TorrentOptions.WebSeeds"/>).</summary>
    public bool WebSeeds { get; init; } = true;

    public string Describe() => PathOrMagnet ?? $".torrent file of {TorrentFile.Length} bytes";
}
