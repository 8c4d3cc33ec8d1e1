namespace Engine.Tests.Host;

/// <summary>Tests that swap the process-wide <see cref="Console"/> writers run in this collection, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}
