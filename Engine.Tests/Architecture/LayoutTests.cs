using System.Text.RegularExpressions;
using Engine.Tests.Support;

namespace Engine.Tests.Architecture;

/// <summary>The source tree is what docs/architecture.md says it is: every folder on the map, namespaces following folders.</summary>
public sealed class LayoutTests
{
    private static IEnumerable<string> Folders(string project) =>
        Directory.GetDirectories(Path.Combine(RepoPaths.Root, project))
            .Select(Path.GetFileName)
            .Where(name => name is not ("bin" or "obj"))
            .Select(name => name!)
            .Order();

    /// <summary>The folder names in the table that follows <paramref name="heading"/> in docs/architecture.md.</summary>
    private static HashSet<string> Mapped(string heading)
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "architecture.md"));
        var start = doc.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/architecture.md has no '{heading}' folder map");
        var rows = doc[start..].Split('\n').Skip(1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|'));
        return rows.Select(r => Regex.Match(r, @"^\| `(\w+)/").Groups[1].Value).Where(v => v.Length > 0).ToHashSet();
    }

    [Theory]
    [InlineData("Engine", "`Engine/`:")]
    [InlineData("Engine.Core", "`Engine.Core/`:")]
    [InlineData("Engine.Cluster", "`Engine.Cluster/`:")]
    public void Every_folder_of_the_project_is_on_the_folder_map_and_every_mapped_folder_exists(string project, string heading)
    {
        var folders = Folders(project).ToHashSet();
        var mapped = Mapped(heading);
        Assert.True(folders.SetEquals(mapped),
            $"{project}: not on the map: {string.Join(", ", folders.Except(mapped))}; on the map but missing: {string.Join(", ", mapped.Except(folders))}");
    }

    [Theory]
    [InlineData("Engine", "Engine")]
    [InlineData("Engine.Core", "Engine.Core")]
    [InlineData("Engine.Host", "Engine.Host")]
    [InlineData("Engine.Cluster", "Engine.Cluster")]
    public void Every_file_declares_the_namespace_of_its_folder(string project, string root)
    {
        var dir = Path.Combine(RepoPaths.Root, project);
        var wrong = new List<string>();
        foreach (var file in Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(dir, Path.GetDirectoryName(file)!);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj") continue;
            var expected = relative == "." ? root : root + "." + relative.Replace(Path.DirectorySeparatorChar, '.');
            var declared = Regex.Match(File.ReadAllText(file), @"^namespace ([\w.]+)", RegexOptions.Multiline).Groups[1].Value;
            if (declared.Length > 0 && declared != expected) wrong.Add($"{Path.GetRelativePath(dir, file)}: {declared}, expected {expected}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
