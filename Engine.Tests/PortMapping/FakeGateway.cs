using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Engine.Tests.PortMapping;

/// <summary>
/// A UPnP gateway's control URL on 127.0.0.1 for client tests: each POST (one per connection) is answered by a callback
/// given the SOAPAction header and the body; the calls are recorded. Bounded: 64 KiB per request, 5 s per connection.
/// </summary>
internal sealed class FakeGateway : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, string, (int Status, string Body)> _respond;
    private readonly CancellationTokenSource _cts = new();
    private readonly List<(string Action, string Body)> _calls = new();
    private readonly Task _loop;

    public FakeGateway(Func<string, string, (int Status, string Body)> respond)
    {
        _respond = respond;
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    public Uri ControlUrl => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/ctl/IPConn");

    public IReadOnlyList<(string Action, string Body)> Calls
    {
        get { lock (_calls) return _calls.ToArray(); }
    }

    /// <summary>The envelope of a successful answer to <paramref name="action"/> with these out-arguments.</summary>
    public static string Success(string action, string arguments = "") =>
        "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>" +
        $"<u:{action}Response xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\">{arguments}</u:{action}Response></s:Body></s:Envelope>";

    /// <summary>The envelope of a UPnP error.</summary>
    public static string Fault(int code) =>
        "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault><faultcode>s:Client</faultcode>" +
        $"<faultstring>UPnPError</faultstring><detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>{code}</errorCode></UPnPError></detail></s:Fault></s:Body></s:Envelope>";

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
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            var stream = client.GetStream();
            var buffer = new byte[64 * 1024];
            var filled = 0;
            int headEnd;
            while ((headEnd = Encoding.ASCII.GetString(buffer, 0, filled).IndexOf("\r\n\r\n", StringComparison.Ordinal)) < 0)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(filled), timeout.Token);
                if (n == 0) return;
                filled += n;
            }
            var head = Encoding.ASCII.GetString(buffer, 0, headEnd).Split("\r\n");
            string Header(string name) => head.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim() ?? "";
            var length = int.Parse(Header("Content-Length"), System.Globalization.CultureInfo.InvariantCulture);
            while (filled < headEnd + 4 + length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(filled), timeout.Token);
                if (n == 0) return;
                filled += n;
            }
            var action = Header("SOAPAction").Trim('"');
            action = action[(action.IndexOf('#', StringComparison.Ordinal) + 1)..];
            var body = Encoding.UTF8.GetString(buffer, headEnd + 4, length);
            lock (_calls) _calls.Add((action, body));
            var (status, answer) = _respond(action, body);
            var bytes = Encoding.UTF8.GetBytes(answer);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nContent-Type: text/xml\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n"), timeout.Token);
            await stream.WriteAsync(bytes, timeout.Token);
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
