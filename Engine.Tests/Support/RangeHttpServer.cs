using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Engine.Tests.Support;

/// <summary>
/// A small HTTP/1.1 file server on 127.0.0.1 with byte ranges (<c>Range: bytes=a-b</c> → 206 and Content-Range) and
/// keep-alive, for web seed tests: Debian's python http.server has no ranges. Files are served from a root directory
/// (URL path segments unescaped). <see cref="Intercept"/> may replace any reply (a status, corrupt bytes, a lying
/// Content-Length...). Bounded: requests of at most 16 KiB of headers; every connection ends at disposal.
/// </summary>
internal sealed class RangeHttpServer : IAsyncDisposable
{
    /// <summary>A request as served: the decoded path, the range asked for (null: none) and its number (from 1).</summary>
    public sealed record Request(string Path, long? From, long? To, int Number);

    /// <summary>A reply: status, headers (Content-Length is added from the body unless given), body; close the connection after it.</summary>
    public sealed record Reply(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body, bool Close = false);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _root;
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _loop;
    private readonly List<Task> _connections = new();
    private int _requests;

    public RangeHttpServer(string root)
    {
        _root = Path.GetFullPath(root);
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    /// <summary>Called for every request with the reply the server would give; what it returns is sent instead.</summary>
    public Func<Request, Reply, Reply>? Intercept { get; set; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The URL of <paramref name="path"/> ("/" + path) on this server.</summary>
    public string Url(string path = "/") => $"http://127.0.0.1:{Port}{path}";

    public int RequestCount => Volatile.Read(ref _requests);

    /// <summary>Bytes of bodies sent.</summary>
    public long BytesServed => Interlocked.Read(ref _bytes);
    private long _bytes;

    private async Task AcceptLoop()
    {
        while (!_cts.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_cts.Token); }
            catch (Exception) { return; }
            lock (_connections) _connections.Add(Task.Run(() => Serve(client)));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var buffer = new byte[16 * 1024];
            var filled = 0;
            while (!_cts.IsCancellationRequested)
            {
                int end;
                while ((end = IndexOfHeaderEnd(buffer, filled)) < 0)
                {
                    if (filled == buffer.Length) return;
                    var n = await stream.ReadAsync(buffer.AsMemory(filled), _cts.Token);
                    if (n == 0) return;
                    filled += n;
                }
                var head = Encoding.ASCII.GetString(buffer, 0, end);
                Array.Copy(buffer, end + 4, buffer, 0, filled - end - 4);
                filled -= end + 4;
                var reply = Answer(head);
                var headers = new StringBuilder($"HTTP/1.1 {reply.Status} X\r\n");
                foreach (var (k, v) in reply.Headers) headers.Append(k).Append(": ").Append(v).Append("\r\n");
                if (!reply.Headers.ContainsKey("Content-Length")) headers.Append("Content-Length: ").Append(reply.Body.Length).Append("\r\n");
                if (reply.Close) headers.Append("Connection: close\r\n");
                headers.Append("\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(headers.ToString()), _cts.Token);
                await stream.WriteAsync(reply.Body, _cts.Token);
                Interlocked.Add(ref _bytes, reply.Body.Length);
                if (reply.Close) return;
            }
        }
        catch (Exception) { /* the client went away, or we are stopping */ }
    }

    private static int IndexOfHeaderEnd(byte[] buffer, int filled)
        => buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);

    private Reply Answer(string head)
    {
        var lines = head.Split("\r\n");
        var target = lines[0].Split(' ')[1];
        long? from = null, to = null;
        foreach (var line in lines.Skip(1))
        {
            if (!line.StartsWith("Range:", StringComparison.OrdinalIgnoreCase)) continue;
            var spec = line["Range:".Length..].Trim();
            var dash = spec.IndexOf('-');
            from = long.Parse(spec["bytes=".Length..dash], CultureInfo.InvariantCulture);
            to = long.Parse(spec[(dash + 1)..], CultureInfo.InvariantCulture);
        }
        var path = string.Join('/', target.Split('?')[0].Split('/').Select(Uri.UnescapeDataString));
        var request = new Request(path, from, to, Interlocked.Increment(ref _requests));
        var reply = Serve(request);
        return Intercept is { } intercept ? intercept(request, reply) : reply;
    }

    private Reply Serve(Request request)
    {
        var none = new Dictionary<string, string>();
        var full = Path.GetFullPath(Path.Combine(_root, request.Path.TrimStart('/')));
        if (!full.StartsWith(_root, StringComparison.Ordinal) || !File.Exists(full)) return new Reply(404, none, []);
        using var handle = File.OpenHandle(full);
        var length = RandomAccess.GetLength(handle);
        if (request.From is not { } from) return new Reply(200, none, Read(handle, 0, length));
        var to = Math.Min(request.To ?? length - 1, length - 1);
        if (from > to) return new Reply(416, new Dictionary<string, string> { ["Content-Range"] = $"bytes */{length}" }, []);
        return new Reply(206, new Dictionary<string, string> { ["Content-Range"] = $"bytes {from}-{to}/{length}" }, Read(handle, from, to - from + 1));
    }

    /// <summary>Only the bytes asked for: a range of a large file must not cost the whole file.</summary>
    private static byte[] Read(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long offset, long count)
    {
        var bytes = new byte[count];
        var done = 0;
        while (done < bytes.Length)
        {
            var n = RandomAccess.Read(handle, bytes.AsSpan(done), offset + done);
            if (n == 0) break;
            done += n;
        }
        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        _listener.Stop();
        await _loop;
        Task[] connections;
        lock (_connections) connections = _connections.ToArray();
        await Task.WhenAny(Task.WhenAll(connections), Task.Delay(TimeSpan.FromSeconds(5)));
    }
}
