using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using Engine.Cluster.Api;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;
using Engine.Host.Web.Rest;
using Engine.Host.Web.Ui;

namespace Engine.Host.Web.Cluster;

/// <summary>
/// The REST API of a cluster node under <c>/api/cluster</c> (docs/web.md): the members and every torrent of the cluster
/// with its replicas; add, pause, resume and remove go through <see cref="TorrentCluster"/>, so they reach every replica's
/// node from any node. Errors are RFC 7807 problem documents: 400 bad input, 404 unknown info-hash, 503 the node did not answer.
/// </summary>
public static class ClusterApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/cluster").AddEndpointFilter(TorrentApi.SameOriginFilter);
        api.MapGet("/", (TorrentCluster node, CancellationToken ct) => Answer(async () => Results.Ok(await ClusterViews.ReadAsync(node, ct))));
        api.MapGet("/nodes", (TorrentCluster node, CancellationToken ct) => Answer(async () =>
            Results.Ok((await node.GetMemberListAsync(ct)).Select(m => ClusterViews.Node(m, node.Node)).ToList())));
        api.MapGet("/torrents", (TorrentCluster node, CancellationToken ct) => Answer(async () =>
            Results.Ok((await node.ListAsync(ct)).Select(ClusterViews.Torrent).ToList())));
        api.MapGet("/torrents/{hash}", (string hash, TorrentCluster node, CancellationToken ct) => With(hash, async h =>
            (await node.ListAsync(ct)).FirstOrDefault(t => t.InfoHash == h) is { } t ? Results.Ok(ClusterViews.Torrent(t)) : NotFound(h)));
        api.MapPost("/torrents", AddAsync).DisableAntiforgery();
        api.MapPost("/torrents/{hash}/pause", (string hash, TorrentCluster node, CancellationToken ct) =>
            With(hash, async h => await node.PauseAsync(h, ct) ? Results.NoContent() : NotFound(h)));
        api.MapPost("/torrents/{hash}/resume", (string hash, TorrentCluster node, CancellationToken ct) =>
            With(hash, async h => await node.ResumeAsync(h, ct) ? Results.NoContent() : NotFound(h)));
        api.MapPut("/torrents/{hash}/limits", (string hash, TorrentApi.LimitsBody body, TorrentCluster node, CancellationToken ct) => With(hash, async h =>
        {
            if (body.UploadLimit is <= 0 || body.DownloadLimit is <= 0) return Problem(400, "limits are bytes/s above 0, or null for none");
            return await node.SetLimitsAsync(h, body.UploadLimit, body.DownloadLimit, ct) ? Results.Ok(body) : NotFound(h);
        })).DisableAntiforgery();
        api.MapPut("/torrents/{hash}/files/{index:int}", (string hash, int index, TorrentApi.PriorityBody body, TorrentCluster node, CancellationToken ct) => With(hash, async h =>
        {
            if (EngineViews.ParsePriority(body.Priority) is not { } priority) return Problem(400, $"priority '{body.Priority}' is not skip, low, normal or high");
            try
            {
                return await node.SetFilePriorityAsync(h, index, priority, ct) ? Results.NoContent() : NotFound(h);
            }
            catch (ArgumentOutOfRangeException e)
            {
                return Problem(404, e.Message.Split(" (Parameter", 2)[0]);
            }
        })).DisableAntiforgery();
        api.MapDelete("/torrents/{hash}", (string hash, TorrentCluster node, CancellationToken ct) => With(hash, async h =>
        {
            if (!(await node.ListAsync(ct)).Any(t => t.InfoHash == h)) return NotFound(h);
            await node.RemoveAsync(h, ct);
            return Results.NoContent();
        }));
    }

    /// <summary>JSON body of <c>POST /api/cluster/torrents</c>: a magnet link or a .torrent on this node's disk, its replica count (null: the node's default), a peer that has it.</summary>
    public sealed record AddClusterTorrentBody(string? Path, string? Magnet, int? Replicas, string? Peer);

    /// <summary>What <c>POST /api/cluster/torrents</c> answers while the new torrent is not listed yet: its info-hash.</summary>
    public sealed record CreatedHash(string Hash);

    private static Task<IResult> With(string hash, Func<InfoHash, Task<IResult>> act) =>
        InfoHash.TryFromHex(hash, out var h) ? Answer(() => act(h)) : Task.FromResult(Problem(400, $"'{hash}' is not a 40-digit hex info-hash"));

    private static async Task<IResult> Answer(Func<Task<IResult>> act)
    {
        try
        {
            return await act();
        }
        catch (Exception e) when (e is TimeoutException or Akka.Actor.AskTimeoutException)
        {
            return Problem(503, "the cluster node did not answer: " + e.Message);
        }
    }

    private static IResult NotFound(InfoHash h) => Problem(404, $"no torrent {h.ToHex()} in the cluster");

    /// <summary>multipart/form-data (field <c>torrent</c>: the file; <c>replicas</c>, <c>peer</c>) or JSON <see cref="AddClusterTorrentBody"/>.</summary>
    private static async Task<IResult> AddAsync(HttpRequest request, TorrentCluster node, CancellationToken ct)
    {
        var (add, error) = request.HasFormContentType ? await ReadFormAsync(request, ct) : await ReadJsonAsync(request, ct);
        if (add is null) return Problem(400, error!);
        return await Answer(async () =>
        {
            try
            {
                var hash = await ClusterEffects.AddToClusterAsync(node, add.Value.Request, add.Value.Replicas, ct);
                var listed = await ClusterEffects.ListedAsync(node, hash, ct);
                return listed is null ? Results.Created($"/api/cluster/torrents/{hash.ToHex()}", new CreatedHash(hash.ToHex()))
                    : Results.Created($"/api/cluster/torrents/{hash.ToHex()}", ClusterViews.Torrent(listed));
            }
            catch (Exception e) when (e is MetainfoException or MagnetException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                return Problem(400, e.Message);
            }
            catch (TimeoutException e) when (add.Value.Request.PathOrMagnet is { } m && MagnetLink.IsMagnet(m))
            {
                return Problem(504, e.Message);
            }
        });
    }

    private static async Task<((AddRequest Request, int? Replicas)?, string?)> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        var (form, torrent, error) = await TorrentApi.ReadTorrentFormAsync(request, ct);
        if (error is not null) return (null, error);
        return Request([.. torrent], null, form!["replicas"], form["peer"]);
    }

    private static async Task<((AddRequest Request, int? Replicas)?, string?)> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasJsonContentType()) return (null, "send multipart/form-data with a 'torrent' file, or JSON {\"magnet\"|\"path\", \"replicas\", \"peer\"}");
        AddClusterTorrentBody? body;
        try
        {
            body = await request.ReadFromJsonAsync<AddClusterTorrentBody>(ct);
        }
        catch (JsonException e)
        {
            return (null, "invalid JSON: " + e.Message);
        }
        if (body is null) return (null, "the JSON body is empty");
        if ((body.Magnet is null) == (body.Path is null)) return (null, "give exactly one of 'magnet' and 'path'");
        if (body.Magnet is { } m && !MagnetLink.IsMagnet(m)) return (null, "'magnet' must be a magnet: link");
        return Request([], body.Magnet ?? body.Path, body.Replicas?.ToString(System.Globalization.CultureInfo.InvariantCulture), body.Peer);
    }

    private static ((AddRequest, int?)?, string?) Request(ImmutableArray<byte> file, string? pathOrMagnet, string? replicas, string? peer)
    {
        IPEndPoint? endPoint = null;
        if (!string.IsNullOrWhiteSpace(peer) && (!IPEndPoint.TryParse(peer.Trim(), out endPoint) || endPoint.Port == 0))
            return (null, $"peer '{peer}' is not an address:port");
        int? r = null;
        if (!string.IsNullOrWhiteSpace(replicas))
        {
            if (!int.TryParse(replicas, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1)
                return (null, $"replicas '{replicas}' is not a count of at least 1");
            r = n;
        }
        if (pathOrMagnet is not null && string.IsNullOrWhiteSpace(pathOrMagnet)) return (null, "the path or magnet is empty");
        return ((new AddRequest(file, pathOrMagnet?.Trim(), "", endPoint), r), null);
    }

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status);
}
