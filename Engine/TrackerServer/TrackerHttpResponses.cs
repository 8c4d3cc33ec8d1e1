using System.Buffers;
using System.Net;
using Engine.Core.Bencode;
using Engine.Core.Primitives;
using Engine.Core.Trackers;

namespace Engine.TrackerServer;

/// <summary>Bencoded bodies of the HTTP tracker's answers (BEP 3, BEP 23 compact, BEP 7 peers6, BEP 48 scrape). Pure.</summary>
internal static class TrackerHttpResponses
{
    /// <summary><c>d14:failure reason…e</c>.</summary>
    public static byte[] Failure(string reason)
    {
        var w = new ArrayBufferWriter<byte>(64 + reason.Length);
        BencodeWriter.WriteDictionaryStart(w);
        BencodeWriter.WriteString(w, "failure reason");
        BencodeWriter.WriteString(w, reason);
        BencodeWriter.WriteEnd(w);
        return w.WrittenSpan.ToArray();
    }

    /// <summary>
    /// An announce answer. Compact: IPv4 peers in <c>peers</c> (6 bytes each), IPv6 in <c>peers6</c> (18 bytes each).
    /// Otherwise <c>peers</c> is a list of dictionaries (<c>ip</c>, <c>peer id</c> unless <paramref name="noPeerId"/>, <c>port</c>).
    /// </summary>
    public static byte[] Announce(TrackerAnnounceResult result, bool compact, bool noPeerId)
    {
        if (result.Failure is not null) return Failure(result.Failure);
        var w = new ArrayBufferWriter<byte>(128 + result.Peers.Count * 40);
        BencodeWriter.WriteDictionaryStart(w);
        Integer(w, "complete", result.Seeders);
        Integer(w, "downloaded", result.Completed);
        Integer(w, "incomplete", result.Leechers);
        Integer(w, "interval", (long)result.Interval.TotalSeconds);
        Integer(w, "min interval", (long)result.MinInterval.TotalSeconds);
        BencodeWriter.WriteString(w, "peers");
        if (compact)
        {
            WriteCompact(w, result.Peers, IpFamily.V4);
            BencodeWriter.WriteString(w, "peers6");
            WriteCompact(w, result.Peers, IpFamily.V6);
        }
        else
        {
            BencodeWriter.WriteListStart(w);
            for (var i = 0; i < result.Peers.Count; i++)
            {
                BencodeWriter.WriteDictionaryStart(w);
                BencodeWriter.WriteString(w, "ip");
                BencodeWriter.WriteString(w, result.Peers[i].Address.ToString());
                if (!noPeerId)
                {
                    BencodeWriter.WriteString(w, "peer id");
                    BencodeWriter.WriteString(w, result.PeerIds[i].Span);
                }
                Integer(w, "port", result.Peers[i].Port);
                BencodeWriter.WriteEnd(w);
            }
            BencodeWriter.WriteEnd(w);
        }
        BencodeWriter.WriteEnd(w);
        return w.WrittenSpan.ToArray();
    }

    /// <summary>A scrape answer: <c>files</c> keyed by raw info-hash (sorted bytewise), each with complete/downloaded/incomplete and the name when known.</summary>
    public static byte[] Scrape(IReadOnlyList<(InfoHash Hash, ScrapeStats Stats)> files)
    {
        var w = new ArrayBufferWriter<byte>(32 + files.Count * 100);
        BencodeWriter.WriteDictionaryStart(w);
        BencodeWriter.WriteString(w, "files");
        BencodeWriter.WriteDictionaryStart(w);
        var sorted = files.DistinctBy(f => f.Hash).Select(f => (Key: f.Hash.ToArray(), f.Stats)).ToList();
        sorted.Sort((a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        foreach (var (key, stats) in sorted)
        {
            BencodeWriter.WriteString(w, key);
            BencodeWriter.WriteDictionaryStart(w);
            Integer(w, "complete", stats.Complete);
            Integer(w, "downloaded", stats.Downloaded);
            Integer(w, "incomplete", stats.Incomplete);
            if (stats.Name is not null)
            {
                BencodeWriter.WriteString(w, "name");
                BencodeWriter.WriteString(w, stats.Name);
            }
            BencodeWriter.WriteEnd(w);
        }
        BencodeWriter.WriteEnd(w);
        BencodeWriter.WriteEnd(w);
        return w.WrittenSpan.ToArray();
    }

    private static void Integer(ArrayBufferWriter<byte> w, string key, long value)
    {
        BencodeWriter.WriteString(w, key);
        BencodeWriter.WriteInteger(w, value);
    }

    private static void WriteCompact(ArrayBufferWriter<byte> w, IReadOnlyList<IPEndPoint> peers, IpFamily family)
    {
        var entry = UdpTrackerCodec.PeerEntryLength(family);
        var count = 0;
        foreach (var p in peers) if (IpFamilies.Of(p) == family) count++;
        var bytes = new byte[count * entry];
        var at = 0;
        foreach (var p in peers)
            if (IpFamilies.Of(p) == family) at += UdpTrackerCodec.WritePeer(bytes.AsSpan(at), p);
        BencodeWriter.WriteString(w, bytes);
    }
}
