namespace Engine.Cluster.Formation;

/// <summary>
/// How a cluster node finds the others without static seeds: through Akka.Discovery, which lists the contact points
/// (cluster endpoints) of a named service; the nodes probe each other and exactly one cluster forms
/// (docs/cluster-discovery.md). Immutable; change with <c>with</c>.
/// </summary>
public sealed record ClusterDiscoveryOptions
{
    /// <summary>Akka.Discovery's <c>config</c> method: the endpoints are <see cref="Endpoints"/> (or the app's own <c>akka.discovery.config.services</c>).</summary>
    public const string Config = "config";

    /// <summary>Akka.Discovery.KubernetesApi: the service's pods, found by the label <c>app=&lt;service&gt;</c> through the Kubernetes API server.</summary>
    public const string KubernetesApi = "kubernetes-api";

    /// <summary>The service whose endpoints are the cluster's contact points.</summary>
    public required string Service { get; init; }

    /// <summary>The Akka.Discovery method (<see cref="Config"/>, <see cref="KubernetesApi"/>, or one the app configures under <c>akka.discovery.&lt;method&gt;</c>).</summary>
    public string Method { get; init; } = Config;

    /// <summary>
    /// With <see cref="Config"/>: the service's endpoints, <c>host:port</c> (cluster ports), written into
    /// <c>akka.discovery.config.services</c>. Every node must be listed as it advertises itself (its cluster host and port).
    /// </summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    /// <summary>Contact points (this node counted) that must answer before the lowest of them may form a new cluster.</summary>
    public int RequiredContacts { get; init; } = 1;

    /// <summary>How long the node looks for a cluster (retrying with a growing delay) before it gives up (<see cref="ClusterDiscoveryException"/>).</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromMinutes(1);

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Service)) throw new ArgumentException("cluster discovery needs the name of a service");
        if (string.IsNullOrWhiteSpace(Method)) throw new ArgumentException("cluster discovery needs a method (config, kubernetes-api)");
        if (RequiredContacts < 1) throw new ArgumentException($"{nameof(RequiredContacts)} must be at least 1, got {RequiredContacts}");
        if (GiveUpAfter <= TimeSpan.Zero) throw new ArgumentException($"{nameof(GiveUpAfter)} must be positive");
        if (Method != Config && Endpoints.Count > 0) throw new ArgumentException($"{nameof(Endpoints)} are for config discovery, not {Method}");
        foreach (var endpoint in Endpoints)
            if (!TryParse(endpoint, out _, out _)) throw new ArgumentException($"a discovery endpoint is host:port, got '{endpoint}'");
    }

    internal static bool TryParse(string endpoint, out string host, out int port)
    {
        var colon = endpoint.LastIndexOf(':');
        host = colon > 0 ? endpoint[..colon] : "";
        port = 0;
        return colon > 0 && !host.Contains(':') && int.TryParse(endpoint.AsSpan(colon + 1), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
    }
}
