using System.Text.RegularExpressions;
using Engine.Tests.Support;

namespace Engine.Tests.Architecture;

/// <summary>The public API is what docs/api.md lists: nothing more is public, nothing listed is hidden.</summary>
public sealed class PublicSurfaceTests
{
    [Fact]
    public void The_public_types_are_exactly_those_docs_api_md_lists()
    {
        var public_ = typeof(Engine.Api.TorrentEngine).Assembly.GetExportedTypes()
            .Concat(typeof(Engine.Core.Primitives.InfoHash).Assembly.GetExportedTypes())
            .Concat(typeof(Engine.Cluster.Api.TorrentCluster).Assembly.GetExportedTypes())
            .Where(t => !t.IsNested)
            .Select(t => t.Name)
            .ToHashSet();
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "api.md"));
        var section = doc[doc.IndexOf("## Public types", StringComparison.Ordinal)..];
        var table = string.Join("\n", section.Split('\n').Where(l => l.StartsWith("| `Engine", StringComparison.Ordinal)));
        var listed = Regex.Matches(table, @"`(\w+)`").Select(m => m.Groups[1].Value)
            .Where(name => name is not ("AddTorrentEngine" or "WithTorrentEngine" or "AddTorrentCluster" or "WithTorrentCluster" or "AddTorrentClusterOfAkka")) // methods named beside their type
            .ToHashSet();
        Assert.True(public_.SetEquals(listed),
            $"public but not in docs/api.md: {string.Join(", ", public_.Except(listed).Order())}; " +
            $"listed but not public: {string.Join(", ", listed.Except(public_).Order())}");
    }
}
