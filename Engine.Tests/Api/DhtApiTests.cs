using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Engine.Api;
using Engine.Core.Primitives;
using Engine.Tests.Interop;

namespace Engine.Tests.Api;

/// <summary>The DHT through the public API: the routing table one engine builds by joining through another, one-off lookups, and a DHT switched off.</summary>
public sealed class DhtApiTests : IDisposable
{
    private readonly TempDir _dir = new("dht-api");

    public void Dispose() => _dir.Dispose();

    private TorrentEngineOptions Options(string name, params string[] bootstrap) => new()
    {
        ListenOn = new IPEndPoint(IPAddress.Loopback, 0),
        StateDirectory = _dir.Sub(name),
        DhtBootstrapNodes = bootstrap,
        Pex = false,
        Lsd = false,
    };

    [Fact]
    public async Task An_engine_joining_through_another_lists_it_in_its_table_and_a_lookup_asks_it()
    {
        await using var first = TorrentEngine.Create(Options("first"));
        var firstAt = first.ListenEndPoint!;
        await using var second = TorrentEngine.Create(Options("second", firstAt.ToString()));
        var clock = Stopwatch.StartNew();
        DhtTable? table = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            table = await second.GetDhtTableAsync();
            if (table!.Nodes.Any(n => n.EndPoint.Equals(firstAt))) break;
            await Task.Delay(100);
        }
        var node = Assert.Single(table!.Nodes, n => n.EndPoint.Equals(firstAt));
        Assert.Equal((await first.GetDhtStatusAsync())!.NodeId, node.NodeId);
        Assert.True(node.Good);
        Assert.Empty(table.Stored);

        var lookup = await second.FindPeersAsync(InfoHash.FromHex(new string('7', 40)), TimeSpan.FromSeconds(10));
        Assert.NotNull(lookup);
        Assert.True(lookup.Finished);
        Assert.Empty(lookup.Peers); // nobody has it
        Assert.True(lookup.Answered >= 1, $"asked {lookup.Queried}, answered {lookup.Answered}");

        // The engine's meter tells the routing table's size too (after the node's next tick, once a second).
        var measured = new List<int>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TorrentEngine.MeterName && instrument.Name == "engine.dht.nodes") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => measured.Add(value));
        listener.Start();
        for (var i = 0; i < 30 && !measured.Any(v => v >= 1); i++)
        {
            await Task.Delay(100);
            listener.RecordObservableInstruments();
        }
        Assert.Contains(measured, v => v >= 1);
    }

    [Fact]
    public async Task A_lookup_with_nobody_to_ask_ends_at_its_bound_and_says_so()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram,
            ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // takes every query and answers none (no ICMP error either)
        await using var alone = TorrentEngine.Create(Options("alone", silent.LocalEndPoint!.ToString()!));
        var clock = Stopwatch.StartNew();
        var lookup = await alone.FindPeersAsync(InfoHash.FromHex(new string('8', 40)), TimeSpan.FromSeconds(2));
        Assert.NotNull(lookup);
        Assert.False(lookup.Finished);
        Assert.Empty(lookup.Peers);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(UtpMode.Enabled)]
    [InlineData(UtpMode.Disabled)] // a port for the DHT alone reads the errors too
    public async Task A_lookup_whose_only_node_is_a_closed_port_ends_on_the_icmp_error_before_its_query_could_time_out(UtpMode utp)
    {
        var closed = Support.FreePorts.ClosedUdp(IPAddress.Loopback);
        await using var alone = TorrentEngine.Create(Options("closed-" + utp, closed.ToString()) with { Utp = utp });
        var clock = Stopwatch.StartNew();
        var lookup = await alone.FindPeersAsync(InfoHash.FromHex(new string('9', 40)), TimeSpan.FromSeconds(8));
        Assert.NotNull(lookup);
        Assert.True(lookup.Finished, "the lookup should end once its one node is known unreachable");
        Assert.Equal(0, lookup.Answered);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3)); // a query times out after 4 s
    }

    [Fact]
    public async Task With_the_dht_off_there_is_no_table_and_no_lookup()
    {
        await using var off = TorrentEngine.Create(Options("off") with { Dht = false });
        Assert.Null(await off.GetDhtTableAsync());
        Assert.Null(await off.FindPeersAsync(InfoHash.FromHex(new string('9', 40))));
    }
}
