namespace Engine.Core.Cluster;

/// <summary>
/// A node's cluster endpoint as service discovery names it: a host (an IP address or a name, compared as written,
/// ignoring case) and the cluster port. Ordered by host, then port: the order that decides which node forms a cluster
/// (<see cref="ClusterFormation"/>), the same on every node.
/// </summary>
internal readonly record struct ContactPoint(string Host, int Port) : IComparable<ContactPoint>
{
    public int CompareTo(ContactPoint other)
    {
        var host = string.Compare(Host, other.Host, StringComparison.OrdinalIgnoreCase);
        return host != 0 ? host : Port.CompareTo(other.Port);
    }

    public bool Equals(ContactPoint other) => Port == other.Port && string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase);

    public override int GetHashCode() => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(Host), Port);

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
