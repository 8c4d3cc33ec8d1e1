using System.Text.Json;
using Engine.Core.Primitives;
using Engine.Core.Trackers;

namespace Engine.TrackerServer;

/// <summary>The JSON bodies of <c>/catalog</c>, <c>/catalog/&lt;info-hash&gt;/peers</c> and <c>/publish</c>.</summary>
internal static class CatalogJson
{
    public static byte[] Catalog(IReadOnlyList<CatalogEntry> entries, int torrentCount, int peerCount) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("torrentCount", torrentCount);
        w.WriteNumber("peerCount", peerCount);
        w.WriteStartArray("torrents");
        foreach (var e in entries)
        {
            w.WriteStartObject();
            w.WriteString("infoHash", e.InfoHash.ToHex());
            if (e.Name is null) w.WriteNull("name"); else w.WriteString("name", e.Name);
            if (e.Size is null) w.WriteNull("size"); else w.WriteNumber("size", e.Size.Value);
            w.WriteNumber("seeders", e.Seeders);
            w.WriteNumber("leechers", e.Leechers);
            w.WriteNumber("completed", e.Completed);
            w.WriteBoolean("published", e.Published);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static byte[] Peers(InfoHash infoHash, string? name, IReadOnlyList<PeerInfo> peers) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("infoHash", infoHash.ToHex());
        if (name is null) w.WriteNull("name"); else w.WriteString("name", name);
        w.WriteStartArray("peers");
        foreach (var p in peers)
        {
            w.WriteStartObject();
            w.WriteString("ip", p.Endpoint.Address.ToString());
            w.WriteNumber("port", p.Endpoint.Port);
            w.WriteString("peerId", p.PeerId.ToString());
            w.WriteString("peerIdHex", Convert.ToHexStringLower(p.PeerId.Span));
            if (p.PeerId.ClientName is { } client) w.WriteString("client", client); else w.WriteNull("client");
            w.WriteBoolean("seeder", p.IsSeeder);
            if (p.Left == AnnounceRequest.UnknownLeft) w.WriteNull("left"); else w.WriteNumber("left", p.Left);
            w.WriteNumber("uploaded", p.Uploaded);
            w.WriteNumber("downloaded", p.Downloaded);
            w.WriteString("lastSeen", p.LastSeen.UtcDateTime);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static byte[] Published(PublishResult result) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("infoHash", result.InfoHash.ToHex());
        if (result.Name is null) w.WriteNull("name"); else w.WriteString("name", result.Name);
        w.WriteNumber("size", result.Size);
        w.WriteBoolean("alreadyPublished", result.AlreadyPublished);
        w.WriteEndObject();
    });

    public static byte[] Error(string message) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("error", message);
        w.WriteEndObject();
    });

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            body(writer);
        return stream.ToArray();
    }
}
