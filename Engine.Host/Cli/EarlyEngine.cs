using Engine.Api;

namespace Engine.Host.Cli;

/// <summary>
/// For the commands that run an engine at once (<c>download</c>, <c>seed</c>): its ActorSystem, started on a thread of
/// its own before the command line is even parsed, while the host reads the .torrent and prepares the directories
/// (<see cref="PrestartedSystem"/>; docs/performance.md, "Where start-up goes"), with the host's logging
/// (<see cref="HostLogging"/>, its level set once <c>--verbose</c> is read). Disposing it terminates the system when no
/// engine took it (a usage error, a bad .torrent).
/// </summary>
public sealed class EarlyEngine : IAsyncDisposable
{
    private EarlyEngine(HostLogging logging)
    {
        Logging = logging;
        System = PrestartedSystem.Start(logging);
    }

    public HostLogging Logging { get; }

    public PrestartedSystem System { get; }

    /// <summary>An early engine system when <paramref name="args"/> ask for one (<see cref="Wanted"/>); otherwise null.</summary>
    public static EarlyEngine? For(IReadOnlyList<string> args) => Wanted(args) ? new EarlyEngine(HostLogging.Create(verbose: false)) : null;

    /// <summary>Whether <paramref name="args"/> name <c>download</c> or <c>seed</c> first (and ask for no help).</summary>
    public static bool Wanted(IReadOnlyList<string> args)
    {
        string? command = null;
        foreach (var a in args)
        {
            if (a is "-h" or "--help" or "-?" or "/?" or "/h") return false;
            if (command is null && !a.StartsWith('-')) command = a;
        }
        return command is "download" or "seed";
    }

    public ValueTask DisposeAsync() => System.DisposeAsync();
}
