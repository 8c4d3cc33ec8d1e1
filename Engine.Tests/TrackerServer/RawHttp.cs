using System.Net.Sockets;
using System.Net;
using System.Text;

namespace Engine.Tests.TrackerServer;

/// <summary>Sends raw bytes to an HTTP server and reads what comes back until it closes (bounded in time).</summary>
internal static class RawHttp
{
    public static async Task<string> ExchangeAsync(IPEndPoint server, byte[] request, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        using var client = new TcpClient();
        await client.ConnectAsync(server, cts.Token);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request, cts.Token);
        }
        catch (IOException)
        {
            // The server may answer and close before it has read everything we send.
        }
        var response = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cts.Token)) > 0) response.Write(buffer, 0, read);
        }
        catch (IOException)
        {
        }
        return Encoding.Latin1.GetString(response.ToArray());
    }

    public static Task<string> ExchangeAsync(IPEndPoint server, string request) => ExchangeAsync(server, Encoding.Latin1.GetBytes(request));
}
