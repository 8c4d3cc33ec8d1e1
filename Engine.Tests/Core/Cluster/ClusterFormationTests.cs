using Engine.Core.Cluster;

namespace Engine.Tests.Core.Cluster;

public sealed class ClusterFormationTests
{
    private static readonly DateTime T0 = new(2026, 12, 5, 12, 0, 0, DateTimeKind.Utc);
    private static readonly ContactPoint A = new("127.0.0.1", 4001), B = new("127.0.0.1", 4002), C = new("127.0.0.1", 4003);
    private static readonly ContactPoint[] All = [A, B, C];

    private static ClusterFormation For(ContactPoint self, int required = 1, TimeSpan? giveUp = null) =>
        new(self, T0, giveUp ?? TimeSpan.FromMinutes(1), required, stableRounds: 2, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8));

    private static ContactProbe Idle(ContactPoint c) => new(c, true, []);

    private static ContactProbe[] Others(ContactPoint self, Func<ContactPoint, ContactProbe> probe) => All.Where(c => !c.Equals(self)).Select(probe).ToArray();

    [Fact]
    public void Three_nodes_started_at_once_the_lowest_forms_after_two_same_rounds_and_the_others_only_wait()
    {
        var steps = All.ToDictionary(c => c, c => For(c));
        for (var round = 0; round < 5; round++)
            foreach (var (self, formation) in steps)
            {
                var step = formation.Next(T0.AddSeconds(round), All, Others(self, Idle));
                if (self.Equals(A)) Assert.IsType(round == 0 ? typeof(FormationStep.Wait) : typeof(FormationStep.Form), step);
                else Assert.Contains($"{A} is the lowest contact point answering", Assert.IsType<FormationStep.Wait>(step).Reason);
            }
    }

    [Fact]
    public void A_contact_in_a_cluster_is_joined_whoever_is_lowest()
    {
        var members = new[] { "akka.tcp://torrent-cluster@127.0.0.1:4003", "akka.tcp://torrent-cluster@127.0.0.1:4002" };
        var step = For(A).Next(T0, All, [Idle(B), new ContactProbe(C, true, members)]);
        Assert.Equal(members.Order(StringComparer.Ordinal), Assert.IsType<FormationStep.Join>(step).Members);
    }

    [Fact]
    public void A_lowest_node_that_starts_late_joins_the_cluster_a_higher_node_formed_without_it()
    {
        var b = For(B);
        Assert.IsType<FormationStep.Wait>(b.Next(T0, All, [ContactProbe.Silent(A), Idle(C)]));
        Assert.IsType<FormationStep.Form>(b.Next(T0.AddSeconds(1), All, [ContactProbe.Silent(A), Idle(C)]));
        var step = For(A).Next(T0.AddSeconds(2), All, [new ContactProbe(B, true, ["akka.tcp://x@127.0.0.1:4002"]), Idle(C)]);
        Assert.IsType<FormationStep.Join>(step);
    }

    [Fact]
    public void A_lower_node_appearing_between_two_rounds_stops_a_higher_one_from_forming()
    {
        var b = For(B);
        Assert.IsType<FormationStep.Wait>(b.Next(T0, All, [ContactProbe.Silent(A), Idle(C)]));
        Assert.False(b.Next(T0.AddSeconds(1), All, [Idle(A), Idle(C)]) is FormationStep.Form);
        // A goes silent again: B must see the same set twice more before it forms.
        Assert.IsType<FormationStep.Wait>(b.Next(T0.AddSeconds(2), All, [ContactProbe.Silent(A), Idle(C)]));
        Assert.IsType<FormationStep.Form>(b.Next(T0.AddSeconds(3), All, [ContactProbe.Silent(A), Idle(C)]));
    }

    [Fact]
    public void A_node_not_listed_never_forms_and_waits_longer_each_round_up_to_the_cap()
    {
        var d = new ContactPoint("127.0.0.1", 4009);
        var formation = For(d);
        var delays = Enumerable.Range(0, 6)
            .Select(i => Assert.IsType<FormationStep.Wait>(formation.Next(T0.AddSeconds(i), All, All.Select(ContactProbe.Silent).ToArray())))
            .ToList();
        Assert.All(delays, w => Assert.True(w.Stalled));
        Assert.Equal([1, 2, 4, 8, 8, 8], delays.Select(w => (int)w.Delay.TotalSeconds));
        Assert.Contains("127.0.0.1:4009) is not among the service's endpoints (127.0.0.1:4001, 127.0.0.1:4002, 127.0.0.1:4003)", delays[0].Reason);
        // Alone but listed, it forms.
        Assert.IsType<FormationStep.Wait>(formation.Next(T0, [d], []));
        Assert.IsType<FormationStep.Form>(formation.Next(T0, [d], []));
    }

    [Fact]
    public void Required_contacts_hold_the_lowest_back_until_enough_answer()
    {
        var a = For(A, required: 3);
        for (var i = 0; i < 3; i++)
            Assert.Contains("2 of the 3 contact points needed answer", Assert.IsType<FormationStep.Wait>(a.Next(T0, All, [Idle(B), ContactProbe.Silent(C)])).Reason);
        Assert.IsType<FormationStep.Wait>(a.Next(T0, All, [Idle(B), Idle(C)]));
        Assert.IsType<FormationStep.Form>(a.Next(T0, All, [Idle(B), Idle(C)]));
    }

    [Fact]
    public void After_the_bound_it_gives_up_with_one_line_naming_what_it_saw()
    {
        var formation = For(B, giveUp: TimeSpan.FromSeconds(10));
        Assert.IsType<FormationStep.Wait>(formation.Next(T0.AddSeconds(9), [A], [ContactProbe.Silent(A)]));
        var giveUp = Assert.IsType<FormationStep.GiveUp>(formation.Next(T0.AddSeconds(10), [A], [ContactProbe.Silent(A)]));
        Assert.Equal("no cluster found or formed within 10 s: this node (127.0.0.1:4002) is not among the service's endpoints (127.0.0.1:4001): it only joins, and none answers", giveUp.Reason);
        Assert.DoesNotContain('\n', giveUp.Reason);
        Assert.Contains("the look-up failed: no API server", Assert.IsType<FormationStep.GiveUp>(formation.Next(T0.AddSeconds(11), null, [], "no API server")).Reason);
        Assert.Contains("the service lists no endpoint", Assert.IsType<FormationStep.GiveUp>(formation.Next(T0.AddSeconds(11), [], [])).Reason);
    }

    [Fact]
    public void Members_that_never_take_this_node_are_joined_again_until_the_bound_then_it_gives_up()
    {
        var formation = For(A, giveUp: TimeSpan.FromSeconds(30));
        var member = new ContactProbe(B, true, ["akka.tcp://torrent-cluster@127.0.0.9:4002"]);
        Assert.IsType<FormationStep.Join>(formation.Next(T0, All, [member, Idle(C)]));
        Assert.IsType<FormationStep.Join>(formation.Next(T0.AddSeconds(20), All, [member, Idle(C)]));
        var giveUp = Assert.IsType<FormationStep.GiveUp>(formation.Next(T0.AddSeconds(30), All, [member, Idle(C)]));
        Assert.Equal("no cluster joined within 30 s: the cluster of akka.tcp://torrent-cluster@127.0.0.9:4002 did not take this node", giveUp.Reason);
    }

    [Fact]
    public void Contact_points_compare_hosts_ignoring_case_and_order_by_host_then_port()
    {
        Assert.Equal(new ContactPoint("Node-1.local", 1), new ContactPoint("node-1.LOCAL", 1));
        Assert.Equal([A, B, new ContactPoint("127.0.0.2", 1)], new[] { new ContactPoint("127.0.0.2", 1), B, A }.Order());
        Assert.Equal("[::1]:5", new ContactPoint("::1", 5).ToString());
    }
}
