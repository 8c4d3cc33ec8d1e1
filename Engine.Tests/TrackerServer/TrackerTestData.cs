using System.Net;
using System.Security.Cryptography;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;
using Engine.Core.Trackers;
using Engine.Tests.Metainfo;

namespace Engine.Tests.TrackerServer;

/// <summary>Hashes, peer ids, announces and small .torrent files for the tracker tests.</summary>
internal static class TrackerTestData
{
    public static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static InfoHash Hash(int n) => InfoHash.FromBytes(SHA1.HashData(BitConverter.GetBytes(n)));

    public static InfoHash RandomHash(Random rng)
    {
        Span<byte> bytes = stackalloc byte[20];
        rng.NextBytes(bytes);
        return InfoHash.FromBytes(bytes);
    }

    public static PeerId Peer(int n) => PeerId.FromBytes(System.Text.Encoding.ASCII.GetBytes($"-TT0001-{n:D12}"));

    public static IPAddress Ip(int n) => new([127, 0, (byte)(n >> 8), (byte)n]);

    public static AnnounceRequest Announce(InfoHash hash, int peer, long left = 100, AnnounceEvent e = AnnounceEvent.None, int numWant = 50) =>
        new(hash, Peer(peer), 6000 + peer % 1000, Uploaded: 0, Downloaded: 0, Left: left, Event: e, NumWant: numWant);

    /// <summary>A parseable single-file .torrent (zero piece hashes) of the given name and size.</summary>
    public static byte[] TorrentFile(string name, long length, int pieceLength = 16384) =>
        TorrentBuilder.Torrent(TorrentBuilder.SingleFileInfo(name, length, pieceLength));

    public static InfoHash HashOf(byte[] torrentFile) => TorrentMetainfo.Parse(torrentFile).InfoHash;
}
