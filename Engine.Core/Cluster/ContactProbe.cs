namespace Engine.Core.Cluster;

/// <summary>
/// What one discovered contact point said when asked: whether it answered, and the members of the cluster it is in
/// (their cluster addresses; empty while it is in none).
/// </summary>
internal sealed record ContactProbe(ContactPoint Contact, bool Answered, IReadOnlyList<string> Members)
{
    public static ContactProbe Silent(ContactPoint contact) => new(contact, false, []);
}
