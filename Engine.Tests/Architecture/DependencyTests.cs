using Mono.Cecil;
using Xunit.Abstractions;

namespace Engine.Tests.Architecture;

/// <summary>What may use what: the core is pure, and no two folders of a project use each other in a circle.</summary>
public sealed class DependencyTests(ITestOutputHelper output)
{
    private static string AssemblyOf(Type type) => type.Assembly.Location;

    private static readonly string EngineAssembly = AssemblyOf(typeof(Engine.Api.TorrentEngine));
    private static readonly string CoreAssembly = AssemblyOf(typeof(Engine.Core.Peers.PeerSession));

    [Fact]
    public void Engine_core_references_neither_akka_nor_the_network_or_http_assemblies()
    {
        using var module = ModuleDefinition.ReadModule(CoreAssembly);
        var references = module.AssemblyReferences.Select(r => r.Name).ToList();
        Assert.DoesNotContain(references, r => r.StartsWith("Akka", StringComparison.Ordinal));
        Assert.DoesNotContain("System.Net.Sockets", references);
        Assert.DoesNotContain("System.Net.Http", references);
        Assert.DoesNotContain("Engine", references);
    }

    [Theory]
    [InlineData("Engine")]
    [InlineData("Engine.Core")]
    public void No_two_folders_use_each_other_in_a_circle(string project)
    {
        var graph = new FolderGraph(project == "Engine" ? EngineAssembly : CoreAssembly, project);
        foreach (var (from, to) in graph.Edges.OrderBy(e => e.Key))
            output.WriteLine($"{from} -> {string.Join(", ", to.Keys.Order())}");
        var cycles = graph.Cycles();
        Assert.True(cycles.Count == 0, string.Join("\n", cycles.Select(c => $"[{string.Join(", ", c)}]: {graph.Explain(c)}")));
    }
}
