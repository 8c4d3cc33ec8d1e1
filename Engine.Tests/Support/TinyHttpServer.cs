using System.Net.Sockets;
using System.Net;
using System.Text;

namespace Engine.Tests.Support;

/// <summary>
/// A minimal HTTP/1.1 responder on 127.0.0.1 for client tests: every GET is answered by a callback
/// (status, body). It records the request targets it saw. Bounded: one request per connection.
/// </summary>
internal sealed class TinyHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, (int Status, byte[] Body)> _respond;
    private readonly CancellationTokenSource _cts = new();
    private readonly List<string> _requests = new();
    private readonly Task _loop;

    public TinyHttpServer(Func<string, (int Status, byte[] Body)> respond)
    {
        _respond = respond;
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

    public IReadOnlyList<string> Requests
    {
        get { lock (_requests) return _requests.ToArray(); }
    }

    private async Task AcceptLoop()
    {
        while (!_cts.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_cts.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var buffer = new byte[8192];
            var filled = 0;
            while (filled < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(filled), _cts.Token);
                if (n == 0) return;
                filled += n;
                if (Encoding.ASCII.GetString(buffer, 0, filled).Contains("\r\n\r\n")) break;
            }
            var requestLine = Encoding.ASCII.GetString(buffer, 0, filled).Split("\r\n")[0];
            var target = requestLine.Split(' ')[1];
            lock (_requests) _requests.Add(target);
            var (status, body) = _respond(target);
            var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(head, _cts.Token);
            await stream.WriteAsync(body, _cts.Token);
        }
        catch (Exception) { /* the client went away */ }
    }

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        _listener.Stop();
        await _loop;
    }
}
