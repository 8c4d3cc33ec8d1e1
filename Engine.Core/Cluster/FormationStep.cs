namespace Engine.Core.Cluster;

/// <summary>What a node that finds its cluster through service discovery does after a round (<see cref="ClusterFormation"/>).</summary>
internal abstract record FormationStep
{
    private FormationStep() { }

    /// <summary>Start the cluster: join itself (it is the lowest contact point answering, and no contact is in a cluster).</summary>
    public sealed record Form : FormationStep;

    /// <summary>Join the cluster these members (cluster addresses, sorted) are in.</summary>
    public sealed record Join(IReadOnlyList<string> Members) : FormationStep;

    /// <summary>
    /// Look up and probe again after <paramref name="Delay"/>. <paramref name="Stalled"/>: nothing this node can do
    /// moves it on (no contact answers, or it is not among them), as against waiting for a lower node to form.
    /// </summary>
    public sealed record Wait(TimeSpan Delay, string Reason, bool Stalled) : FormationStep;

    /// <summary>No cluster was formed or found within the bound; <paramref name="Reason"/> is one line saying why.</summary>
    public sealed record GiveUp(string Reason) : FormationStep;
}
