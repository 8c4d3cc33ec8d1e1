using System.Net;
using Engine.Api;
using Engine.Host.Web;

namespace Engine.Host.Commands;

/// <summary>
/// <c>web --port &lt;p&gt; [--bind 127.0.0.1] [--data &lt;dir&gt;] [--peer-port &lt;p&gt;] [--peer-bind &lt;address&gt;]</c>:
/// runs an engine with the web UI and the REST API until Ctrl+C or SIGTERM.
/// </summary>
public static class WebCommand
{
    public const string Usage =
        "usage: Engine.Host web --port <port> [--bind <address>] [--data <dir>] [--peer-port <port>] [--peer-bind <address>]";

    public sealed record Arguments(int Port, IPAddress Bind, string DataDirectory, int PeerPort, IPAddress PeerBind);

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        using var stop = new StopSignal();
        return await ServeAsync(Parse(args), output, stop.Token);
    }

    /// <summary>Serves until <paramref name="stop"/> fires; prints the UI's address first.</summary>
    internal static async Task<int> ServeAsync(Arguments a, TextWriter output, CancellationToken stop)
    {
        var data = Path.GetFullPath(a.DataDirectory);
        try
        {
            Directory.CreateDirectory(data);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandLineException($"cannot create the data directory {data}: {e.Message}");
        }
        TorrentEngine engine;
        try
        {
            engine = TorrentEngine.Create(new TorrentEngineOptions
            {
                ListenOn = new IPEndPoint(a.PeerBind, a.PeerPort),
                StateDirectory = Path.Combine(data, ".state"),
            });
        }
        catch (TorrentEngineException e)
        {
            throw new CommandLineException(e.Message);
        }
        await using (engine)
        {
            WebServer web;
            try
            {
                web = await WebServer.StartAsync(engine, new WebOptions(a.Bind, a.Port, data) { SessionDirectory = Path.Combine(data, WebSession.DirectoryName) }, stop);
            }
            catch (IOException e)
            {
                throw new CommandLineException($"cannot listen on {a.Bind}:{a.Port}: {e.Message}");
            }
            await using (web)
            {
                output.WriteLine($"web ui: {web.Address}");
                output.WriteLine($"api:    {web.Address}api/torrents");
                output.WriteLine($"peers:  {engine.ListenEndPoint?.ToString() ?? "not listening"}");
                output.WriteLine($"data:   {data}");
                await web.Services.GetRequiredService<WebEngine>().RestoreAndReportAsync(output, stop);
                output.WriteLine("press Ctrl+C to stop");
                output.Flush();
                try
                {
                    await Task.Delay(Timeout.Infinite, stop);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
        output.WriteLine("stopped");
        return 0;
    }

    internal static Arguments Parse(string[] args)
    {
        int? port = null;
        var bind = IPAddress.Loopback;
        var data = ".";
        var peerPort = 6881;
        var peerBind = IPAddress.Any;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new CommandLineException($"{arg} needs a value; {Usage}");
            switch (arg)
            {
                case "--port": port = CommandArgs.Port(Value(), arg); break;
                case "--bind": bind = CommandArgs.Address(Value(), arg); break;
                case "--data": data = Value(); break;
                case "--peer-port": peerPort = CommandArgs.Port(Value(), arg); break;
                case "--peer-bind": peerBind = CommandArgs.Address(Value(), arg); break;
                default: throw new CommandLineException($"unknown option '{arg}'; {Usage}");
            }
        }
        if (port is null) throw new CommandLineException($"give --port <port>; {Usage}");
        return new Arguments(port.Value, bind, data, peerPort, peerBind);
    }
}
