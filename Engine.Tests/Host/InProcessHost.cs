using Engine.Host.Cli;

namespace Engine.Tests.Host;

/// <summary>The console host run in-process (<see cref="HostCli.RunAsync"/>) on captured, non-terminal output.</summary>
public static class InProcessHost
{
    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await HostCli.RunAsync(args, new HostConsole(TextWriter.Synchronized(output), TextWriter.Synchronized(error), interactive: false, width: 80));
        return (code, output.ToString(), error.ToString());
    }
}
