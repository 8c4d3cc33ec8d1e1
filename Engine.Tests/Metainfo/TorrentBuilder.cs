using Engine.Core.Bencode;

namespace Engine.Tests.Metainfo;

/// <summary>Builds small .torrent byte arrays for parser tests.</summary>
internal static class TorrentBuilder
{
    public static BDictionaryBuilder File(long length, params string[] path) =>
        new BDictionaryBuilder().Add("length", length).Add("path", path);

    public static BDictionaryBuilder MultiFileInfo(string name, int pieceLength, params BDictionaryBuilder[] files)
    {
        var total = files.Sum(f => ((BInteger)f.Build()["length"]!).Value);
        return new BDictionaryBuilder()
            .Add("name", name)
            .Add("piece length", pieceLength)
            .Add("pieces", new byte[20 * (int)((total + pieceLength - 1) / pieceLength)])
            .Add("files", new BList(files.Select(f => (BValue)f.Build())));
    }

    public static BDictionaryBuilder SingleFileInfo(string name, long length, int pieceLength = 16384) =>
        new BDictionaryBuilder()
            .Add("name", name)
            .Add("piece length", pieceLength)
            .Add("length", length)
            .Add("pieces", new byte[20 * (int)((length + pieceLength - 1) / pieceLength)]);

    public static byte[] Torrent(BDictionaryBuilder info, Action<BDictionaryBuilder>? top = null)
    {
        var root = new BDictionaryBuilder().Add("info", info);
        top?.Invoke(root);
        return root.ToArray();
    }
}
