using Engine.Host.Cli;

namespace Engine.Host;

/// <summary>Console host: the commands are declared in <see cref="HostCli"/>; every failure is a one-line error and an exit code (<see cref="ExitCodes"/>).</summary>
public static class Program
{
    public static Task<int> Main(string[] args) => HostCli.RunAsync(args, HostConsole.System());
}
