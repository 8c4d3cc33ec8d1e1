using Engine.Host.Cli;

namespace Engine.Host;

/// <summary>Console host: the commands are declared in <see cref="HostCli"/>; every failure is a one-line error and an exit code (<see cref="ExitCodes"/>).</summary>
public static class Program
{
    public static Task<int> Main(string[] args)
    {
        // download and seed run without generating code at run time (Regex and expression trees interpreted), set
        // before anything reads the switch: Akka's start compiles a few regular expressions and expression trees, ~50 ms
        // of a 250 ms start-up (docs/performance.md, "Where start-up goes"; decisions.md, "Start-up").
        if (EarlyEngine.Wanted(args)) AppContext.SetSwitch("System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported", false);
        return HostCli.RunAsync(args, HostConsole.System());
    }
}
