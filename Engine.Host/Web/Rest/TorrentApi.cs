using System.Collections.Immutable;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;
using Engine.Api;
using Engine.Host.Web.Ui;

namespace Engine.Host.Web.Rest;

/// <summary>
/// The JSON REST API under <c>/api/torrents</c> (see docs/web.md). Errors are RFC 7807 problem documents:
/// 400 bad input, 404 unknown info-hash, 409 already added, 403 a cross-site request.
/// </summary>
public static class TorrentApi
{
    /// <summary>Largest .torrent accepted by upload.</summary>
    public const long MaxTorrentBytes = 16 * 1024 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/torrents").AddEndpointFilter(SameOriginFilter);
        api.MapGet("/", async (WebEngine web) => Results.Ok(await web.ListAsync()));
        api.MapGet("/{hash}", (string hash, WebEngine web) =>
            With(web, hash, async h => Results.Ok(TorrentStatusView.From(await h.GetStatusAsync()))));
        api.MapGet("/{hash}/files", (string hash, WebEngine web) =>
            With(web, hash, async h => Results.Ok((await h.GetStatusAsync()).Files.Select(EngineViews.File).ToList())));
        api.MapGet("/{hash}/peers", (string hash, WebEngine web) =>
            With(web, hash, async h => Results.Ok((await h.GetPeersAsync()).Select(EngineViews.Peer).ToList())));
        api.MapGet("/{hash}/trackers", (string hash, WebEngine web) =>
            With(web, hash, async h => Results.Ok((await h.GetTrackersAsync()).Select(EngineViews.Tracker).ToList())));
        api.MapGet("/{hash}/pieces", (string hash, WebEngine web) =>
            With(web, hash, async h => Results.Ok(PiecesView.From(await h.GetPieceMapAsync()))));
        api.MapPost("/", AddAsync).DisableAntiforgery();
        api.MapPost("/{hash}/pause", (string hash, WebEngine web) =>
            With(web, hash, async h => { await web.PauseAsync(h); return Results.NoContent(); }));
        api.MapPost("/{hash}/resume", (string hash, WebEngine web) =>
            With(web, hash, async h => { await web.ResumeAsync(h); return Results.NoContent(); }));
        api.MapDelete("/{hash}", (string hash, bool? deleteData, WebEngine web) =>
            With(web, hash, async h => { await web.RemoveAsync(h, deleteData ?? false); return Results.NoContent(); }));
        api.MapPut("/{hash}/files/{index}", (string hash, string index, PriorityBody body, WebEngine web) =>
            With(web, hash, async h =>
            {
                if (EngineViews.ParsePriority(body.Priority) is not { } priority) return Problem(400, $"priority '{body.Priority}' is not skip, low, normal or high");
                if (h.Metainfo is not { } torrent) return Problem(409, "the file list is not known yet (the magnet link's metadata is being fetched)");
                if (!int.TryParse(index, out var i) || i < 0 || i >= torrent.Files.Count || torrent.Files[i].IsPadding)
                    return Problem(404, $"no file {index}: the torrent's files are numbered 0..{torrent.Files.Count - 1}");
                await h.SetFilePriorityAsync(i, priority);
                return Results.Ok(EngineViews.File((await h.GetStatusAsync()).Files.First(f => f.Index == i)));
            })).DisableAntiforgery();
        api.MapPut("/{hash}/limits", (string hash, LimitsBody body, WebEngine web) =>
            With(web, hash, h =>
            {
                if (body.UploadLimit is <= 0 || body.DownloadLimit is <= 0) return Task.FromResult(Problem(400, "limits are bytes/s above 0, or null for none"));
                h.SetLimits(body.UploadLimit, body.DownloadLimit);
                return Task.FromResult(Results.Ok(new LimitsBody(h.Options.UploadLimit, h.Options.DownloadLimit)));
            })).DisableAntiforgery();

        // The engine-wide settings: rate limits (bytes/s, null: none) and the default save directory.
        var settings = app.MapGroup("/api/settings").AddEndpointFilter(SameOriginFilter);
        settings.MapGet("/", (WebEngine web) => Results.Ok(web.Settings()));
        settings.MapPut("/", (SettingsBody body, WebEngine web) =>
        {
            if (body.UploadLimit is <= 0 || body.DownloadLimit is <= 0) return Problem(400, "limits are bytes/s above 0, or null for none");
            try
            {
                return Results.Ok(web.SaveSettings(body.UploadLimit, body.DownloadLimit, body.DefaultSaveDirectory ?? web.DefaultSaveDirectory));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                return Problem(400, e.Message);
            }
        }).DisableAntiforgery();
    }

    /// <summary>A file's priority: skip, low, normal or high.</summary>
    public sealed record PriorityBody(string? Priority);

    /// <summary>A torrent's own limits in bytes/s; null: none.</summary>
    public sealed record LimitsBody(long? UploadLimit, long? DownloadLimit);

    /// <summary>The engine-wide limits in bytes/s (null: none) and the default save directory (null: unchanged).</summary>
    public sealed record SettingsBody(long? UploadLimit, long? DownloadLimit, string? DefaultSaveDirectory);

    private static async Task<IResult> With(WebEngine web, string hash, Func<TorrentHandle, Task<IResult>> act)
    {
        if (!global::Engine.Core.Primitives.InfoHash.TryFromHex(hash, out _))
            return Problem(400, $"'{hash}' is not a 40-digit hex info-hash");
        if (web.Find(hash) is not { } handle) return Problem(404, $"no torrent {hash.ToLowerInvariant()}");
        try
        {
            return await act(handle);
        }
        catch (TorrentRemovedException)
        {
            return Problem(404, $"no torrent {hash.ToLowerInvariant()}");
        }
        catch (Exception e) when (e is TorrentEngineException or IOException or UnauthorizedAccessException)
        {
            return Problem(500, e.Message);
        }
    }

    /// <summary>multipart/form-data (field <c>torrent</c>: the file; <c>saveDirectory</c>, <c>peer</c>) or JSON <see cref="AddTorrentBody"/>.</summary>
    private static async Task<IResult> AddAsync(HttpRequest request, WebEngine web, CancellationToken ct)
    {
        var (add, error) = request.HasFormContentType ? await ReadFormAsync(request, ct) : await ReadJsonAsync(request, ct);
        if (add is null) return Problem(400, error!);
        try
        {
            var handle = await web.AddAsync(add, ct);
            var status = TorrentStatusView.From(await handle.GetStatusAsync());
            return Results.Created($"/api/torrents/{status.Hash}", status);
        }
        catch (DuplicateTorrentException e)
        {
            return Problem(409, e.Message);
        }
        catch (Exception e) when (e is TorrentEngineException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            return Problem(400, e.Message);
        }
    }

    private static async Task<(AddRequest?, string?)> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        var (form, torrent, error) = await ReadTorrentFormAsync(request, ct);
        if (error is not null) return (null, error);
        var read = Request(ImmutableCollectionsMarshal.AsImmutableArray(torrent), null, form!["saveDirectory"], form["peer"]);
        return WithWebSeeds(read, !string.Equals(form["webSeeds"], "false", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A multipart form with a 'torrent' file field (at most <see cref="MaxTorrentBytes"/>): the form and the file's bytes, or why not.</summary>
    internal static async Task<(IFormCollection? Form, byte[] Torrent, string? Error)> ReadTorrentFormAsync(HttpRequest request, CancellationToken ct)
    {
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return (null, [], "unreadable form: " + e.Message);
        }
        var file = form.Files.GetFile("torrent");
        if (file is null) return (null, [], "the form needs a 'torrent' file field");
        if (file.Length > MaxTorrentBytes) return (null, [], $"the .torrent file has {file.Length} bytes; at most {MaxTorrentBytes} are accepted");
        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, ct);
        return (form, buffer.ToArray(), null);
    }

    private static async Task<(AddRequest?, string?)> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasJsonContentType()) return (null, "send multipart/form-data with a 'torrent' file, or JSON {\"magnet\"|\"path\", \"saveDirectory\", \"peer\"}");
        AddTorrentBody? body;
        try
        {
            body = await request.ReadFromJsonAsync<AddTorrentBody>(ct);
        }
        catch (JsonException e)
        {
            return (null, "invalid JSON: " + e.Message);
        }
        if (body is null) return (null, "the JSON body is empty");
        if ((body.Magnet is null) == (body.Path is null)) return (null, "give exactly one of 'magnet' and 'path'");
        if (body.Magnet is { } m && !IsMagnet(m)) return (null, "'magnet' must be a magnet: link");
        return WithWebSeeds(Request(ImmutableArray<byte>.Empty, body.Magnet ?? body.Path, body.SaveDirectory, body.Peer), body.WebSeeds ?? true);
    }

    private static (AddRequest?, string?) WithWebSeeds((AddRequest? Add, string? Error) read, bool webSeeds)
        => read.Add is { } add ? (add with { WebSeeds = webSeeds }, null) : read;

    private static bool IsMagnet(string text) => global::Engine.Core.Metainfo.MagnetLink.IsMagnet(text);

    private static (AddRequest?, string?) Request(ImmutableArray<byte> file, string? pathOrMagnet, string? save, string? peer)
    {
        IPEndPoint? endPoint = null;
        if (!string.IsNullOrWhiteSpace(peer) && (!IPEndPoint.TryParse(peer.Trim(), out endPoint) || endPoint.Port == 0))
            return (null, $"peer '{peer}' is not an address:port");
        if (pathOrMagnet is not null && string.IsNullOrWhiteSpace(pathOrMagnet)) return (null, "the path or magnet is empty");
        return (new AddRequest(file, pathOrMagnet?.Trim(), save ?? "", endPoint), null);
    }

    /// <summary>
    /// Refuses a state-changing request that a browser sent from another site (its Origin is not this server):
    /// a form POST from any web page would otherwise reach an API on 127.0.0.1 without a CORS preflight.
    /// </summary>
    internal static async ValueTask<object?> SameOriginFilter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
            && request.Headers.Origin is { Count: > 0 } origin
            && (!Uri.TryCreate(origin.ToString(), UriKind.Absolute, out var uri) || !string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)))
            return Problem(403, $"cross-site request from {origin} refused");
        return await next(context);
    }

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status);
}
