namespace Engine.Host.Cli;

/// <summary>
/// Which build of the host this is. The NativeAOT console build (<c>dotnet publish Engine.Host -c Release -r linux-x64
/// -p:PublishAot=true</c>, decisions.md "The host ships as a self-contained composite ReadyToRun build") has no web UI:
/// Blazor serializes its own component markers by reflection, which ahead-of-time compilation leaves without code
/// (decisions.md has how far a port got), so every way of starting the web server says so in one line instead of
/// failing on the first request. Nor does it run cluster nodes (<c>node</c>, <c>tracker --cluster-port</c>):
/// Akka.Cluster and Akka.Remote are trimmed from it.
/// </summary>
internal static class HostBuild
{
#if ENGINE_HOST_AOT
    public const bool IsNativeAot = true;
#else
    public const bool IsNativeAot = false;
#endif

    /// <summary>The one-line reason the web server cannot start in this build, or null where it can.</summary>
    public static string? WebUnavailable() => Missing("the web UI and REST API are", "has them");

    /// <summary>The one-line reason a cluster node cannot start in this build, or null where it can.</summary>
    public static string? ClusterUnavailable() => Missing("cluster nodes are", "runs them");

    private static string? Missing(string what, string standardBuild) => IsNativeAot
        ? $"{what} not in this engine-host, the NativeAOT console build; the standard build (dotnet publish Engine.Host -c Release -r linux-x64) {standardBuild}"
        : null;
}
