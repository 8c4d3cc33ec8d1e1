using Akka.Actor;
using Akka.Discovery;
using Akka.Event;
using Engine.Core.Cluster;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Engine.Cluster.Formation;

/// <summary>
/// The shell of <see cref="ClusterFormation"/> in a node that has no static seeds: each round looks the service up
/// through Akka.Discovery, asks every contact point listed (its formation actor, over Akka.Remote) whether it is in a
/// cluster, and forms, joins or waits as the core says; it stops looking once this node is a member, and answers the
/// others' probes for as long as it lives. Giving up fails the node's Up task (<see cref="ClusterJoin"/>) with a <see cref="ClusterDiscoveryException"/>.
/// </summary>
internal sealed class ClusterFormationActor : ReceiveActor, IWithTimers
{
    /// <summary>The actor's name under /user on every node: the others probe it there.</summary>
    public const string Name = "cluster-formation";

    /// <summary>Are you in a cluster? (from another node's formation actor)</summary>
    public sealed record Probe;

    /// <summary>The members of the cluster this node is in (cluster addresses), or none.</summary>
    public sealed record ProbeAnswer(string[] Members);

    private sealed record Tick;

    private sealed record Round(IReadOnlyList<ContactPoint>? Discovered, IReadOnlyList<ContactProbe> Probes, string? Error);

    private static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1.5);

    /// <summary>A join sent to members that has not made this node one by then goes back to looking (the members may have gone).</summary>
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(10);

    private readonly ClusterDiscoveryOptions _options;
    private readonly TaskCompletionSource _failed;
    private readonly AkkaCluster _cluster;
    private readonly ContactPoint _self;
    private readonly ClusterFormation _formation;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<string> _told = new(StringComparer.Ordinal);
    private DateTime _joinDeadline;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ClusterDiscoveryOptions options, TaskCompletionSource failed) =>
        Akka.Actor.Props.Create(() => new ClusterFormationActor(options, failed));

    public ClusterFormationActor(ClusterDiscoveryOptions options, TaskCompletionSource failed)
    {
        _options = options;
        _failed = failed;
        _cluster = AkkaCluster.Get(Context.System);
        var self = _cluster.SelfAddress;
        _self = new ContactPoint(self.Host ?? "", self.Port ?? 0);
        _formation = new ClusterFormation(_self, DateTime.UtcNow, options.GiveUpAfter, options.RequiredContacts);
        Looking();
    }

    protected override void PreStart() => Self.Tell(new Tick());

    private void Looking()
    {
        Receive<Probe>(_ => Answer());
        Receive<Tick>(_ =>
        {
            if (IsMember()) Become(Settled);
            else RunRound().PipeTo(Self);
        });
        Receive<Round>(OnRound);
    }

    /// <summary>Sent a join: waits to be a member, else looks again.</summary>
    private void Joining()
    {
        Receive<Probe>(_ => Answer());
        Receive<Tick>(_ =>
        {
            if (IsMember()) Become(Settled);
            else if (DateTime.UtcNow >= _joinDeadline)
            {
                Become(Looking);
                Self.Tell(new Tick());
            }
            else Timers.StartSingleTimer("poll", new Tick(), TimeSpan.FromMilliseconds(200));
        });
    }

    /// <summary>A member (or given up): answers probes, looks no more.</summary>
    private void Settled()
    {
        Timers.CancelAll();
        Receive<Probe>(_ => Answer());
    }

    private void OnRound(Round round)
    {
        switch (_formation.Next(DateTime.UtcNow, round.Discovered, round.Probes, round.Error))
        {
            case FormationStep.Form:
                _log.Info("cluster discovery: forming the cluster at {0} (the lowest contact point of '{1}')", _self, _options.Service);
                _cluster.Join(_cluster.SelfAddress);
                StartJoining();
                break;
            case FormationStep.Join join:
                _log.Info("cluster discovery: joining {0}", string.Join(", ", join.Members));
                _cluster.JoinSeedNodes(join.Members.Select(Address.Parse).ToList());
                StartJoining();
                break;
            case FormationStep.Wait wait:
                if (wait.Stalled && _told.Add(wait.Reason))
                    _log.Warning("cluster discovery of '{0}' ({1}): {2}; retrying for up to {3} s", _options.Service, _options.Method, wait.Reason, _options.GiveUpAfter.TotalSeconds);
                Timers.StartSingleTimer("round", new Tick(), wait.Delay);
                break;
            case FormationStep.GiveUp giveUp:
                _log.Error("cluster discovery of '{0}' ({1}) gave up: {2}", _options.Service, _options.Method, giveUp.Reason);
                _failed.TrySetException(new ClusterDiscoveryException($"cluster discovery of '{_options.Service}' ({_options.Method}) gave up: {giveUp.Reason}"));
                Become(Settled);
                break;
        }
    }

    private void StartJoining()
    {
        _joinDeadline = DateTime.UtcNow + JoinTimeout;
        Timers.StartSingleTimer("poll", new Tick(), TimeSpan.FromMilliseconds(200));
        Become(Joining);
    }

    private bool IsMember() => _cluster.State.Members.Any(m => m.Address.Equals(_cluster.SelfAddress));

    private void Answer() => Sender.Tell(new ProbeAnswer(IsMember()
        ? _cluster.State.Members.Where(m => m.Status is Akka.Cluster.MemberStatus.Up or Akka.Cluster.MemberStatus.WeaklyUp or Akka.Cluster.MemberStatus.Joining)
            .Select(m => m.Address.ToString()).ToArray()
        : []));

    /// <summary>One look-up and a probe of every contact listed but this node; runs off the actor (piped back as a <see cref="Round"/>).</summary>
    private async Task<Round> RunRound()
    {
        var system = Context.System;
        var self = _self;
        var options = _options;
        IReadOnlyList<ContactPoint> contacts;
        try
        {
            if (options.Method == ClusterDiscoveryOptions.KubernetesApi) KubernetesDefaults.Inject(system);
            var resolved = await Discovery.Get(system).LoadServiceDiscovery(options.Method).Lookup(new Lookup(options.Service), LookupTimeout).ConfigureAwait(false);
            contacts = resolved.Addresses.Select(t => new ContactPoint(t.Address?.ToString() ?? t.Host, t.Port ?? self.Port)).Distinct().Order().ToList();
        }
        catch (Exception e)
        {
            return new Round(null, [], e.GetBaseException().Message.ReplaceLineEndings(" "));
        }
        var probes = await Task.WhenAll(contacts.Where(c => !c.Equals(self)).Select(c => ProbeAsync(system, c))).ConfigureAwait(false);
        return new Round(contacts, probes, null);
    }

    private static async Task<ContactProbe> ProbeAsync(ActorSystem system, ContactPoint contact)
    {
        var path = $"akka.tcp://{system.Name}@{contact}/user/{Name}";
        try
        {
            var answer = await system.ActorSelection(path).Ask<ProbeAnswer>(new Probe(), ProbeTimeout).ConfigureAwait(false);
            return new ContactProbe(contact, true, answer.Members ?? []);
        }
        catch (Exception) // no answer in time (not started, not listening, not a node of ours): silent this round
        {
            return ContactProbe.Silent(contact);
        }
    }
}
