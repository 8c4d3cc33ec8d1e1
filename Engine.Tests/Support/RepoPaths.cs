namespace Engine.Tests.Support;

/// <summary>Locates the repository root and the shared reference material beside it.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary><c>../shared</c> next to the clone (the corpus and seeds live there).</summary>
    public static string Shared
    {
        get
        {
            var dir = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
            if (!Directory.Exists(dir))
                throw new DirectoryNotFoundException($"The shared reference folder is missing: expected it at {dir} (beside the repository clone).");
            return dir;
        }
    }

    public static string Corpus => Path.Combine(Shared, "corpus", "torrents");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Engine.sln not found above " + AppContext.BaseDirectory);
    }
}
