using System.CommandLine;
using System.Net;
using Engine.Api;
using Engine.Host.Cli;
using Engine.Host.State;
using Engine.Host.Web;

namespace Engine.Host.Commands;

/// <summary>
/// <c>web --port &lt;p&gt; [--bind 127.0.0.1] [--data &lt;dir&gt;] [--peer-port &lt;port[-port]&gt;] [--peer-bind &lt;address&gt;]</c>:
/// runs an engine with the web UI and the REST API until Ctrl+C or SIGTERM (exit 0).
/// </summary>
public static class WebCommand
{
    /// <summary>The parsed command line.</summary>
    public sealed record Arguments(int Port, IPAddress Bind, string DataDirectory, ListenSpec? Peers, HostSettings Settings)
    {
        /// <summary>The web UI's password (<c>--password</c> or ENGINE_HOST_WEB_PASSWORD); null: none.</summary>
        public string? Password { get; init; }

        /// <summary><c>--verbose</c>: the engine's logs from Information up.</summary>
        public bool Verbose { get; init; }
    }

    /// <summary>Parses <c>web</c>'s arguments (without running it); a mistake throws <see cref="UsageException"/>.</summary>
    public static Arguments Parse(params string[] args)
    {
        var d = new Definition();
        return CliParse.Read(d.Create(), args, d.Read);
    }

    public sealed class Definition
    {
        public Option<int> Port { get; } = Opt.Port("--port", "HTTP port of the web UI and REST API (0: a free one)", 8080, "-p");

        public Option<IPAddress> Bind { get; } = Opt.Address("--bind", "address of the web UI (0.0.0.0 to reach it from other machines)", IPAddress.Loopback);

        public Option<string> Data { get; } = new("--data") { Description = "default directory to save torrents into", HelpName = "dir", DefaultValueFactory = _ => "." };

        public Option<PortRange> PeerPort { get; } = Opt.Ports("--peer-port", "peer port");

        public Option<string?> Password { get; } = Opt.Password("--password");

        public Option<IPAddress> PeerBind { get; } = Opt.Address("--peer-bind", "address the peer listener binds (one address: peers are dialled from it too)", IPAddress.Any);

        public Command Create() => new("web", "serve the web UI and a REST API over an engine until stopped") { Port, Bind, Data, PeerPort, PeerBind, Password };

        public Arguments Read(ParseResult r, HostSettings settings)
        {
            ListenSpec? peers = new(r.GetValue(PeerBind)!, r.GetValue(PeerPort)!);
            if (!Opt.Given(r, PeerPort) && !Opt.Given(r, PeerBind) && settings.Configured(nameof(TorrentEngineOptions.ListenOn)))
                peers = settings.Engine.ListenOn is { } on ? new ListenSpec(on.Address, new PortRange(on.Port, on.Port)) : null;
            return new Arguments(r.GetValue(Port), r.GetValue(Bind)!, r.GetValue(Data)!, peers, settings) { Password = Opt.PasswordOf(r, Password) };
        }
    }

    public static Command Create(HostConsole console, GlobalOptions global)
    {
        var definition = new Definition();
        var command = definition.Create();
        command.SetAction(async (r, _) =>
        {
            console.Verbose = r.GetValue(global.Verbose);
            using var stop = new StopSignal();
            return await ServeAsync(definition.Read(r, global.Read(r)) with { Verbose = console.Verbose }, console.Out, stop.Token);
        });
        return command;
    }

    /// <summary>Serves until <paramref name="stop"/> fires; prints the UI's address first.</summary>
    internal static async Task<int> ServeAsync(Arguments a, TextWriter output, CancellationToken stop)
    {
        Opt.RequirePasswordBeyondLoopback(a.Bind, a.Password, "--bind", "--password");
        var data = Paths.WritableDirectory(a.DataDirectory, "--data");
        var state = a.Settings.State;
        var sessionDirectory = state.SessionDirectory(data);
        foreach (var moved in StateMigration.MoveAll(data, state.ResumeDirectory, ".state")) output.WriteLine(moved);
        foreach (var moved in StateMigration.MoveAll(data, sessionDirectory, ".session")) output.WriteLine(moved);
        var engine = TorrentSession.StartEngine(a.Settings.Engine with
        {
            ListenOn = a.Peers is { } p ? new IPEndPoint(p.Address, p.Ports.Pick(p.Address)) : null,
            Session = true,
            SessionDirectory = sessionDirectory,
        }, a.Verbose);
        await using (engine)
        {
            var web = await WebServer.StartOrExplainAsync(engine, new WebOptions(a.Bind, a.Port, data) { Password = a.Password }, "--port", stop);
            await using (web)
            {
                output.WriteLine($"web ui: {web.Address}");
                output.WriteLine($"api:    {web.Address}api/torrents");
                output.WriteLine($"peers:  {engine.ListenEndPoint?.ToString() ?? "not listening"}");
                output.WriteLine($"data:   {data}");
                output.WriteLine($"state:  {state.Root}");
                WebEngine.ReportRestored(engine, output.WriteLine);
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
        return ExitCodes.Ok;
    }
}
