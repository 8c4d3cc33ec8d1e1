using Akka.Actor;
using Akka.Configuration;
using Akka.DistributedData.Durable;
using Akka.TestKit.Xunit2;
using Engine.Cluster.Catalog;
using Engine.Tests.Interop;

namespace Engine.Tests.Cluster.Catalog;

/// <summary>The durable store's load: files that do not read back are skipped, never a crash of the replicator.</summary>
public sealed class FileDurableStoreSpec : TestKit, IDisposable
{
    private readonly TempDir _dir = new("durable-store");

    private IActorRef Store() => Sys.ActorOf(Props.Create(() => new FileDurableStore(
        ConfigurationFactory.ParseString($"file-store.dir = \"{_dir.FullPath}\""))));

    [Fact]
    public void An_empty_directory_loads_as_nothing_then_completed()
    {
        Store().Tell(LoadAll.Instance, TestActor);
        ExpectMsg<LoadAllCompleted>();
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Truncated_and_foreign_files_are_skipped_and_the_load_completes()
    {
        File.WriteAllBytes(Path.Combine(_dir.FullPath, "torrents.ddata"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(_dir.FullPath, "other.ddata"), [0x0f, 0x27, 0, 0, 2, 0, 0, 0, (byte)'x', (byte)'y', 9, 9, 9]);
        File.WriteAllBytes(Path.Combine(_dir.FullPath, "lying.ddata"), [1, 0, 0, 0, 0xff, 0xff, 0, 0, 1]);
        var store = Store();
        store.Tell(LoadAll.Instance, TestActor);
        ExpectMsg<LoadAllCompleted>();
        Watch(store);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // still alive: no Terminated
    }

    public new void Dispose()
    {
        base.Dispose();
        _dir.Dispose();
    }
}
