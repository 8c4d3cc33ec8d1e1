namespace Engine.Host.Cli;

/// <summary>A duration option's value; shown as the options take it (<c>5s</c>, <c>30m</c>), e.g. as a default in the help.</summary>
public readonly record struct Duration(TimeSpan Value)
{
    public override string ToString() => Opt.Human(Value);

    public static implicit operator TimeSpan(Duration d) => d.Value;
}
