using System.Buffers;
using Engine.Core.Bencode;
using Engine.Core.Metainfo;

namespace Engine.Core.Metadata;

/// <summary>Builds the bytes of a .torrent file from fetched metadata (the info dictionary, kept byte for byte) and the magnet's trackers and web seeds. Pure.</summary>
internal static class MetadataTorrentFile
{
    public static byte[] Build(ReadOnlySpan<byte> info, MagnetLink magnet)
    {
        var w = new ArrayBufferWriter<byte>(info.Length + 256);
        BencodeWriter.WriteDictionaryStart(w);
        // Keys in sorted order: announce < announce-list < info < url-list.
        if (magnet.Trackers.Count > 0)
        {
            BencodeWriter.WriteString(w, "announce");
            BencodeWriter.WriteString(w, magnet.Trackers[0]);
            BencodeWriter.WriteString(w, "announce-list");
            BencodeWriter.WriteListStart(w);
            foreach (var t in magnet.Trackers)
            {
                BencodeWriter.WriteListStart(w);
                BencodeWriter.WriteString(w, t);
                BencodeWriter.WriteEnd(w);
            }
            BencodeWriter.WriteEnd(w);
        }
        BencodeWriter.WriteString(w, "info");
        BencodeWriter.WriteRaw(w, info);
        if (magnet.WebSeeds.Count > 0)
        {
            BencodeWriter.WriteString(w, "url-list");
            BencodeWriter.WriteListStart(w);
            foreach (var s in magnet.WebSeeds) BencodeWriter.WriteString(w, s);
            BencodeWriter.WriteEnd(w);
        }
        BencodeWriter.WriteEnd(w);
        return w.WrittenSpan.ToArray();
    }
}
