using System.Text.Json;

namespace Engine.Bench;

/// <summary>
/// How a benchmark starts Engine.Host from the path of its Engine.Host.dll: a self-contained publish (its
/// runtimeconfig lists "includedFrameworks") or a NativeAOT one (no dll beside the executable) runs as its own
/// executable; anything else runs under the dotnet host that runs this benchmark (or "dotnet" on the PATH).
/// </summary>
public static class HostCommand
{
    /// <summary>The program to start and the arguments that come before the host's own command.</summary>
    public static (string FileName, List<string> Prefix) For(string engineHostDll)
    {
        var apphost = Path.ChangeExtension(engineHostDll, null);
        // A NativeAOT publish has no Engine.Host.dll at all: its executable is the whole program.
        if ((IsSelfContained(engineHostDll) || !File.Exists(engineHostDll)) && File.Exists(apphost)) return (apphost, []);
        var dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        return (dotnet, [engineHostDll]);
    }

    private static bool IsSelfContained(string engineHostDll)
    {
        var config = Path.ChangeExtension(engineHostDll, ".runtimeconfig.json");
        if (!File.Exists(config)) return false;
        using var doc = JsonDocument.Parse(File.ReadAllText(config));
        return doc.RootElement.TryGetProperty("runtimeOptions", out var options)
            && options.TryGetProperty("includedFrameworks", out _);
    }
}
