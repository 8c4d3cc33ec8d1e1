using System.CommandLine;
using Engine.Cluster.Formation;
using Engine.Host.Cli;

namespace Engine.Host.Commands;

/// <summary>
/// <c>--cluster-discovery config|kubernetes-api</c>, <c>--cluster-service</c> and <c>--cluster-discovery-timeout</c>, with the
/// <c>--config</c> file's "ClusterDiscovery" section under them (<see cref="ClusterDiscoverySettings"/>): how a
/// <c>node</c> or a <c>tracker</c> cluster node finds the others instead of <c>--cluster-seed</c>.
/// </summary>
public sealed class ClusterDiscoveryArguments
{
    public Option<string?> Method { get; } = new("--cluster-discovery")
    {
        Description = "find the other nodes through Akka.Discovery instead of --cluster-seed: config (the endpoints in the --config file's ClusterDiscovery section) or kubernetes-api (pods labelled app=<service>)",
        HelpName = "method",
    };

    public Option<string?> Service { get; } = Opt.Text("--cluster-service", "the service whose endpoints are the cluster's nodes (with --cluster-discovery)", "name");

    public Option<TimeSpan?> Timeout { get; } = Opt.OptionalDuration("--cluster-discovery-timeout",
        "how long to look for the cluster before giving up with an error (default 1m)", TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));

    public void AddTo(Command command)
    {
        command.Options.Add(Method);
        command.Options.Add(Service);
        command.Options.Add(Timeout);
    }

    /// <summary>Whether any of these options was given on the command line.</summary>
    public bool Given(ParseResult r) => Opt.Given(r, Method) || Opt.Given(r, Service) || Opt.Given(r, Timeout);

    /// <summary>The discovery options, or null for static seeds; a mistake throws <see cref="UsageException"/>.</summary>
    public ClusterDiscoveryOptions? Read(ParseResult r, ClusterDiscoverySettings? file, bool seedsGiven)
    {
        var method = r.GetValue(Method) ?? file?.Method;
        if (method is null)
        {
            if (Opt.Given(r, Service) || Opt.Given(r, Timeout)) throw new UsageException("--cluster-service and --cluster-discovery-timeout go with --cluster-discovery <method>");
            return null;
        }
        if (method is not (ClusterDiscoveryOptions.Config or ClusterDiscoveryOptions.KubernetesApi))
            throw new UsageException($"--cluster-discovery: '{method}' is not a method (config, kubernetes-api)");
        if (seedsGiven) throw new UsageException("--cluster-seed and --cluster-discovery exclude each other: discovery finds the nodes to join");
        var service = r.GetValue(Service) ?? file?.Service
            ?? throw new UsageException("--cluster-service: name the service whose endpoints are the cluster's nodes (or the ClusterDiscovery section's Service)");
        var endpoints = file?.Endpoints ?? [];
        if (method == ClusterDiscoveryOptions.Config && endpoints.Count == 0)
            throw new UsageException($"--cluster-discovery config: list the service's endpoints (host:port) in the --config file, \"{ClusterDiscoverySettings.SectionName}\": {{ \"Endpoints\": [...] }}");
        if (method != ClusterDiscoveryOptions.Config && endpoints.Count > 0)
            throw new UsageException($"--config: {ClusterDiscoverySettings.SectionName}:Endpoints are for config discovery, not {method}");
        return new ClusterDiscoveryOptions
        {
            Method = method,
            Service = service,
            Endpoints = endpoints,
            RequiredContacts = file?.RequiredContacts ?? 1,
            GiveUpAfter = r.GetValue(Timeout) ?? file?.Timeout ?? TimeSpan.FromMinutes(1),
        };
    }

    /// <summary>Completes with the discovery's failure when <paramref name="up"/> (a node's <c>WhenUp</c>) fails with one; never otherwise.</summary>
    public static Task<ClusterDiscoveryException> GaveUp(Task up)
    {
        var failed = new TaskCompletionSource<ClusterDiscoveryException>(TaskCreationOptions.RunContinuationsAsynchronously);
        up.ContinueWith(t =>
        {
            if (t.Exception?.InnerException is ClusterDiscoveryException e) failed.TrySetResult(e);
        }, TaskScheduler.Default);
        return failed.Task;
    }
}
