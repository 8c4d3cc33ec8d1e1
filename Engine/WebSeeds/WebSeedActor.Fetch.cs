using System.Net;
using System.Net.Http.Headers;
using Akka.Actor;
using Engine.Core.Buffers;
using Engine.Core.WebSeeds;
using Engine.Core.Wire;
using Engine.Resolving;

namespace Engine.WebSeeds;

/// <summary>
/// The HTTP side of a web seed, run as a task off the actor thread: one run of blocks, one range request per file it
/// touches. A reply is read only when it is exactly the range asked for (<see cref="WebSeedReply"/>), and never beyond
/// it; each block takes a disk credit before it is filled (so a slow disk slows the web seed as it slows peers) and
/// the download limit is paid for each read. Filled blocks are told to the actor in batches; the task ends with a
/// <see cref="JobEnded"/> that carries the first error, if any.
/// </summary>
internal sealed partial class WebSeedActor
{
    private const int BatchBlocks = 16;

    private static HttpClient CreateClient(WebSeedSettings settings)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = settings.MaxRedirects > 0,
            MaxAutomaticRedirections = Math.Max(1, settings.MaxRedirects),
            ConnectTimeout = settings.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxConnectionsPerServer = settings.MaxInFlight,
            AutomaticDecompression = DecompressionMethods.None,
            MaxResponseHeadersLength = 64, // KiB
            UseCookies = false,
        }.Through(local: settings.Source);
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("Engine/0.1");
        return http;
    }

    /// <summary>Thrown inside a fetch for a reply that cannot be used; the message is the error reported.</summary>
    private sealed class FetchFailed(string message, TimeSpan? retryAfter = null) : Exception(message)
    {
        public TimeSpan? RetryAfter { get; } = retryAfter;
    }

    private async Task<JobEnded> FetchAsync(int job, WebSeedRun run, IActorRef self, CancellationToken ct)
    {
        var sink = new Sink(this, job, run, self);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            var ranges = new List<WebSeedRange>();
            _ctx.Files.Plan(run.Offset, run.Length, ranges);
            foreach (var range in ranges)
            {
                if (range.IsZeros) await sink.ZerosAsync(range.Length, ct).ConfigureAwait(false);
                else await FetchRangeAsync(range, sink, idle, ct).ConfigureAwait(false);
            }
            sink.Flush();
            return new JobEnded(job, null, null);
        }
        catch (FetchFailed e)
        {
            sink.Abandon();
            return new JobEnded(job, e.Message, e.RetryAfter);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            sink.Abandon();
            return new JobEnded(job, $"no data for {_ctx.Settings.IdleTimeout.TotalSeconds:0} s", null);
        }
        catch (Exception e) // a refused connection, a reset, a bad redirect: any of them is the web seed's failure, never the actor's
        {
            sink.Abandon();
            return new JobEnded(job, ct.IsCancellationRequested ? "stopped" : e.Message, null);
        }
    }

    private async Task FetchRangeAsync(WebSeedRange range, Sink sink, CancellationTokenSource idle, CancellationToken ct)
    {
        var fileLength = _ctx.Files.FileLength(range.File);
        using var request = new HttpRequestMessage(HttpMethod.Get, _ctx.Files.FileUrl(_url, range.File));
        request.Headers.Range = new RangeHeaderValue(range.FileOffset, range.LastByte);
        idle.CancelAfter(_ctx.Settings.IdleTimeout);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, idle.Token).ConfigureAwait(false);
        var contentRange = response.Content.Headers.ContentRange;
        var error = WebSeedReply.Check((int)response.StatusCode, contentRange?.From, contentRange?.To, response.Content.Headers.ContentLength, range, fileLength);
        if (error is not null) throw new FetchFailed(error, RetryAfter(response));
        await using var body = await response.Content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
        var remaining = range.Length;
        while (remaining > 0)
        {
            var into = await sink.SpaceAsync(ct).ConfigureAwait(false);
            if (into.Length > remaining) into = into[..remaining];
            idle.CancelAfter(_ctx.Settings.IdleTimeout);
            var n = await body.ReadAsync(into, idle.Token).ConfigureAwait(false);
            if (n == 0) throw new FetchFailed($"the body ended after {range.Length - remaining} of {range.Length} bytes");
            remaining -= n;
            sink.Filled(n);
            await _ctx.Download.WaitAsync(n, ct).ConfigureAwait(false);
        }
        // Whatever the server would send past the range is not read: disposing the response drops it (and the connection).
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } ra) return null;
        if (ra.Delta is { } delta) return delta;
        if (ra.Date is { } date) return date - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero;
        return null;
    }

    /// <summary>
    /// Fills the run's blocks in order from whatever the ranges deliver (a block may take bytes from two files) and
    /// tells full ones to the actor. Not thread-safe: one task uses it.
    /// </summary>
    private sealed class Sink(WebSeedActor owner, int job, WebSeedRun run, IActorRef self)
    {
        private readonly List<PieceMessage> _batch = new(BatchBlocks);
        private int _block;            // index into run.Blocks of the block being filled
        private BlockBuffer? _buffer;  // that block's buffer (a credit taken for it)
        private int _filled;

        /// <summary>Free room in the current block, taking a credit and a buffer for a new one first.</summary>
        public async ValueTask<Memory<byte>> SpaceAsync(CancellationToken ct)
        {
            if (_buffer is null)
            {
                if (_block >= run.Blocks.Length) throw new FetchFailed("more bytes than the run has");
                await owner._credit.WaitAsync(ct).ConfigureAwait(false);
                _buffer = owner._ctx.Pool.Rent(run.Blocks[_block].Length);
                _filled = 0;
            }
            return _buffer.Memory[_filled..];
        }

        public void Filled(int n)
        {
            _filled += n;
            if (_filled < _buffer!.Length) return;
            var b = run.Blocks[_block++];
            _batch.Add(new PieceMessage(b.Piece, b.Offset, _buffer));
            _buffer = null;
            if (_batch.Count >= BatchBlocks) Flush();
        }

        public async Task ZerosAsync(int length, CancellationToken ct)
        {
            while (length > 0)
            {
                var into = await SpaceAsync(ct).ConfigureAwait(false);
                var n = Math.Min(into.Length, length);
                into.Span[..n].Clear();
                Filled(n);
                length -= n;
            }
        }

        public void Flush()
        {
            if (_batch.Count == 0) return;
            self.Tell(new Fetched(job, _batch.ToArray()));
            _batch.Clear();
        }

        /// <summary>The fetch failed: what was filled goes to the actor, the block half-filled back to the pool.</summary>
        public void Abandon()
        {
            Flush();
            if (_buffer is null) return;
            _buffer.Release();
            _buffer = null;
            owner._credit.Release();
        }
    }
}
