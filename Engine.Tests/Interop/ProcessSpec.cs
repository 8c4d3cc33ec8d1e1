namespace Engine.Tests.Interop;

/// <summary>What <see cref="ExternalProcess"/> starts: program, arguments, directory, environment and a hard lifetime bound.</summary>
public sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>Short name used in log lines and error messages (defaults to the program's file name).</summary>
    public string? Name { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary>Variables to set (a null value removes the variable from the inherited environment).</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// Safety net: the program runs under coreutils <c>timeout</c> so it is killed after this long even if the test
    /// host dies without disposing it. Null runs it directly.
    /// </summary>
    public TimeSpan? MaxLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>A network namespace (<see cref="Lab.NetNamespace"/>) to run the program in, through <c>ip netns exec</c>; null: the test's own.</summary>
    public string? NetNamespace { get; init; }

    /// <summary>Lines kept in the in-memory log.</summary>
    public int LogCapacity { get; init; } = 200;

    public string DisplayName => Name ?? Path.GetFileName(FileName);
}
