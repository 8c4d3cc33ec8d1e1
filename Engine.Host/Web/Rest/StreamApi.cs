using Engine.Api;
using Microsoft.AspNetCore.StaticFiles;

namespace Engine.Host.Web.Rest;

/// <summary>
/// <c>GET /stream/{hash}/{index}</c>: a torrent's file while it downloads, with HTTP range requests (<c>Accept-Ranges</c>,
/// 206 partial content), so a <c>&lt;video&gt;</c> element or a media player plays it from where it reads
/// (<see cref="TorrentHandle.OpenReadStream"/>: each read waits for its bytes and pulls the pieces after it first).
/// </summary>
public static class StreamApi
{
    private static readonly FileExtensionContentTypeProvider Types = new();

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/stream/{hash}/{index}", (string hash, string index, WebEngine web) =>
        {
            if (!global::Engine.Core.Primitives.InfoHash.TryFromHex(hash, out _))
                return Results.Problem(detail: $"'{hash}' is not a 40-digit hex info-hash", statusCode: 400);
            if (web.Find(hash) is not { Metainfo: { } torrent } handle)
                return Results.Problem(detail: $"no torrent {hash.ToLowerInvariant()} with a known file list", statusCode: 404);
            if (!int.TryParse(index, out var i) || i < 0 || i >= torrent.Files.Count || torrent.Files[i].IsPadding)
                return Results.Problem(detail: $"no file {index}: the torrent's files are numbered 0..{torrent.Files.Count - 1}", statusCode: 404);
            var type = Types.TryGetContentType(torrent.Files[i].Path, out var known) ? known : "application/octet-stream";
            return Results.Stream(handle.OpenReadStream(i), type, enableRangeProcessing: true);
        });
    }
}
