using System.Net;
using Engine.Core.Trackers;
using static Engine.Tests.TrackerServer.TrackerTestData;

namespace Engine.Tests.Core.Trackers;

public class ConnectionIdsTests
{
    private static readonly IPEndPoint Client = new(IPAddress.Loopback, 40000);
    private readonly ConnectionIds _ids = new(new byte[32]);

    [Fact]
    public void An_id_is_valid_for_its_client_in_its_window_and_the_next()
    {
        var id = _ids.Issue(Client, T0);
        Assert.True(_ids.IsValid(id, Client, T0));
        Assert.True(_ids.IsValid(id, Client, T0 + TimeSpan.FromSeconds(119)));
        Assert.True(_ids.IsValid(id, Client, T0 + TimeSpan.FromSeconds(239)));
        Assert.False(_ids.IsValid(id, Client, T0 + TimeSpan.FromSeconds(240)));
        Assert.False(_ids.IsValid(id, Client, T0 - TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void An_id_does_not_work_for_another_address_or_port_or_key()
    {
        var id = _ids.Issue(Client, T0);
        Assert.False(_ids.IsValid(id, new IPEndPoint(IPAddress.Loopback, 40001), T0));
        Assert.False(_ids.IsValid(id, new IPEndPoint(IPAddress.Parse("127.0.0.2"), 40000), T0));
        Assert.False(new ConnectionIds(Enumerable.Repeat((byte)1, 32).ToArray()).IsValid(id, Client, T0));
    }

    [Fact]
    public void Mapped_ipv4_and_plain_ipv4_are_the_same_client()
    {
        var id = _ids.Issue(new IPEndPoint(IPAddress.Parse("::ffff:127.0.0.1"), 40000), T0);
        Assert.True(_ids.IsValid(id, Client, T0));
    }

    [Fact]
    public void Random_guesses_are_refused()
    {
        var rng = new Random(1);
        for (var i = 0; i < 100_000; i++) Assert.False(_ids.IsValid(rng.NextInt64(long.MinValue, long.MaxValue), Client, T0));
    }

    [Fact]
    public void Short_keys_are_refused() => Assert.Throws<ArgumentException>(() => new ConnectionIds(new byte[8]));

    [Fact]
    public void Two_nodes_given_the_same_secret_accept_each_others_ids()
    {
        var a = ConnectionIds.FromSecret("the cluster's shared secret");
        var b = ConnectionIds.FromSecret("the cluster's shared secret");
        var id = a.Issue(Client, T0);
        Assert.True(b.IsValid(id, Client, T0 + TimeSpan.FromSeconds(100)));
        Assert.False(ConnectionIds.FromSecret("another cluster's secret").IsValid(id, Client, T0));
    }

    [Fact]
    public void A_secret_is_not_used_as_the_key_itself()
    {
        var secret = new string('k', 32);
        var id = ConnectionIds.FromSecret(secret).Issue(Client, T0);
        Assert.False(new ConnectionIds(System.Text.Encoding.UTF8.GetBytes(secret)).IsValid(id, Client, T0));
    }

    [Theory]
    [InlineData("")]
    [InlineData("fifteen chars!!")]
    public void Short_secrets_are_refused(string secret) => Assert.Throws<ArgumentException>(() => ConnectionIds.FromSecret(secret));
}
