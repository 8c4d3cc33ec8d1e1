using System.Net;
using Engine.TrackerServer;
using static Engine.Tests.TrackerServer.TrackerTestData;

namespace Engine.Tests.TrackerServer;

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
}
