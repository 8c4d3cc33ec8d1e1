using System.Diagnostics;

namespace Engine.Tests.Lab;

/// <summary>The short system commands the lab runs as root (mount, ip): each bounded to 10 s, its output returned.</summary>
internal static class RootCommands
{
    public static bool IsRoot => Environment.UserName == "root" || Run("id", "-u").Output.Trim() == "0";

    /// <summary>Fails the test, saying what needs root and how to get it, on a machine where the tests are not root.</summary>
    public static void Require(string what)
    {
        if (!IsRoot) throw new InvalidOperationException($"{what} needs root (run the tests as root, e.g. sudo ./run-tests.sh)");
    }

    public static (int Code, string Output) Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(10_000))
        {
            p.Kill(entireProcessTree: true);
            return (-1, "timed out");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
