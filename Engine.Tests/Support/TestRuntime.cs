using System.Runtime.CompilerServices;

namespace Engine.Tests.Support;

/// <summary>
/// Runtime settings for the whole test assembly. xunit runs test classes in parallel, and many tests start
/// an ActorSystem (whose default dispatcher runs on the .NET thread pool) and wait on it synchronously
/// (<c>TorrentEngine.Create</c> waits for its listener, TestKit's <c>ExpectMsg</c> blocks). On a 2-core CI
/// machine the pool starts with 2 threads and adds about one per 0.5 s when starved, so a burst of such
/// tests could leave an actor's reply queued for seconds and fail a timing assertion that measures nothing
/// but that starvation. Starting with more threads removes the wait; it changes no behaviour under test.
/// </summary>
internal static class TestRuntime
{
    [ModuleInitializer]
    internal static void Initialize()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
    }
}
