namespace Engine.Core.Cluster;

/// <summary>
/// How a node without static seeds finds or forms its cluster from the contact points service discovery lists, one
/// round at a time (look up, probe every contact, <see cref="Next"/>), so that nodes started at once form exactly one:
/// <list type="number">
/// <item>a contact that answers from inside a cluster wins: join its members;</item>
/// <item>otherwise only the lowest contact point that answers (itself counted when it is listed) may form, and only
/// when it is listed itself, at least <c>requiredContacts</c> answer, and the set answering was the same for
/// <c>stableRounds</c> rounds in a row (a node that has not started listening yet would otherwise let a higher one form
/// beside it); every other node waits for it and joins it in a later round;</item>
/// <item>a round in which no other contact answers waits longer each time (doubling up to <c>maxDelay</c>); after
/// <c>giveUpAfter</c> without a cluster (also when the members it was told to join never took it) the node gives up
/// with one line saying why.</item>
/// </list>
/// Pure: the shell (Engine.Cluster's formation actor) does the look-ups, probes and joins and passes the clock.
/// </summary>
internal sealed class ClusterFormation
{
    private readonly ContactPoint _self;
    private readonly int _required;
    private readonly int _stableRounds;
    private readonly TimeSpan _delay;
    private readonly TimeSpan _maxDelay;
    private readonly DateTime _deadline;
    private readonly TimeSpan _giveUpAfter;
    private ContactPoint[]? _formingSet;
    private int _sameRounds;
    private int _quietRounds;

    public ClusterFormation(ContactPoint self, DateTime start, TimeSpan giveUpAfter, int requiredContacts = 1, int stableRounds = 2,
        TimeSpan? delay = null, TimeSpan? maxDelay = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(requiredContacts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stableRounds, 1);
        _self = self;
        _required = requiredContacts;
        _stableRounds = stableRounds;
        _delay = delay ?? TimeSpan.FromSeconds(1);
        _maxDelay = maxDelay ?? TimeSpan.FromSeconds(8);
        _giveUpAfter = giveUpAfter;
        _deadline = start + giveUpAfter;
    }

    /// <summary>
    /// The step after a round: <paramref name="discovered"/> is what the look-up listed (null: the look-up failed, with
    /// <paramref name="lookupError"/>), <paramref name="probes"/> what the listed contacts other than this node answered.
    /// </summary>
    public FormationStep Next(DateTime now, IReadOnlyList<ContactPoint>? discovered, IReadOnlyList<ContactProbe> probes, string? lookupError = null)
    {
        var step = Decide(discovered, probes, lookupError);
        if (now < _deadline) return step;
        return step switch
        {
            FormationStep.Wait wait => new FormationStep.GiveUp($"no cluster found or formed within {Seconds(_giveUpAfter)}: {wait.Reason}"),
            // Asked again after the bound: the joins sent to these members did not make this node one.
            FormationStep.Join join => new FormationStep.GiveUp($"no cluster joined within {Seconds(_giveUpAfter)}: the cluster of {string.Join(", ", join.Members)} did not take this node"),
            _ => step,
        };
    }

    private FormationStep Decide(IReadOnlyList<ContactPoint>? discovered, IReadOnlyList<ContactProbe> probes, string? lookupError)
    {
        var answering = probes.Where(p => p.Answered && !p.Contact.Equals(_self)).ToList();
        var members = answering.SelectMany(p => p.Members).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (members.Count > 0)
        {
            Reset();
            return new FormationStep.Join(members);
        }
        if (discovered is null) return Stalled($"the look-up failed: {lookupError ?? "no answer"}");
        if (discovered.Count == 0) return Stalled("the service lists no endpoint");
        var listed = discovered.Contains(_self);
        var answered = answering.Select(p => p.Contact).Concat(listed ? [_self] : []).Distinct().Order().ToArray();
        var none = answering.Count == 0 ? "none answers" : $"{Join(answering.Select(p => p.Contact))} answer, in no cluster";
        if (!listed) return Stalled($"this node ({_self}) is not among the service's endpoints ({Join(discovered)}): it only joins, and {none}", answering.Count > 0);
        if (answered.Length < _required)
            return Stalled($"{answered.Length} of the {_required} contact points needed answer ({Join(answered)}; listed: {Join(discovered)})", answering.Count > 0);
        _quietRounds = 0;
        if (!answered[0].Equals(_self))
        {
            _formingSet = null;
            return new FormationStep.Wait(_delay, $"{answered[0]} is the lowest contact point answering: waiting for it to form the cluster", false);
        }
        if (_formingSet is not null && _formingSet.SequenceEqual(answered)) _sameRounds++;
        else (_formingSet, _sameRounds) = (answered, 1);
        return _sameRounds >= _stableRounds
            ? new FormationStep.Form()
            : new FormationStep.Wait(_delay, $"lowest of the contact points answering ({Join(answered)}): forming once that holds for {_stableRounds} rounds", false);
    }

    /// <summary>A wait this node cannot end itself; the delay doubles while no other contact answers.</summary>
    private FormationStep.Wait Stalled(string reason, bool someoneAnswered = false)
    {
        _formingSet = null;
        _quietRounds = someoneAnswered ? 0 : _quietRounds + 1;
        var delay = TimeSpan.FromTicks(Math.Min(_maxDelay.Ticks, _delay.Ticks << Math.Clamp(_quietRounds - 1, 0, 16)));
        return new FormationStep.Wait(delay, reason, true);
    }

    private void Reset() => (_formingSet, _sameRounds, _quietRounds) = (null, 0, 0);

    private static string Join(IEnumerable<ContactPoint> contacts) => string.Join(", ", contacts.Order());

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " s";
}
