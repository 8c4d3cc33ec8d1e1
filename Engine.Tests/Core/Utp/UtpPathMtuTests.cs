using Engine.Core.Utp;
using static Engine.Tests.Core.Wire.WireSamples;

namespace Engine.Tests.Core.Utp;

/// <summary>A router's "packet too big" (<see cref="UtpConnection.OnPacketTooBig"/>): what is not sent yet is cut to fit, the bytes still arrive in order.</summary>
public sealed class UtpPathMtuTests
{
    [Fact]
    public void After_a_packet_too_big_every_packet_not_sent_before_fits_and_the_bytes_arrive_whole_and_in_order()
    {
        var link = new UtpLink(21);
        var sent = new List<byte[]>();
        link.InitiatorSide.SentDatagrams = sent;
        var data = Bytes(600_000, 21);
        link.InitiatorSide.Outbox = data;
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length > 30_000));
        Assert.Equal(1400, link.Initiator.PacketPayload);
        var highestBefore = sent.Select(Header).Where(h => h.Type == UtpPacketType.Data).Max(h => h.SeqNr);
        var sentBefore = sent.Count;

        link.Initiator.OnPacketTooBig(1000);
        Assert.Equal(1000, link.Initiator.PacketPayload);
        Assert.True(link.RunUntil(() => link.AcceptorSide.Inbox.Length == data.Length));

        Assert.Equal(data, link.AcceptorSide.Inbox.ToArray());
        var later = sent.Skip(sentBefore).Where(d => Header(d) is { Type: UtpPacketType.Data } h && h.SeqNr > highestBefore).ToList();
        Assert.True(later.Count > 300, $"only {later.Count} packets after the change");
        Assert.All(later, d => Assert.InRange(d.Length, UtpHeader.Size + 1, UtpHeader.Size + 1000));
    }

    [Fact]
    public void A_packet_too_big_never_grows_the_packets_and_never_shrinks_them_below_ipv4s_minimum()
    {
        var link = new UtpLink(22);
        link.Initiator.OnPacketTooBig(5000);
        Assert.Equal(UtpSettings.Default.PacketPayload, link.Initiator.PacketPayload);
        link.Initiator.OnPacketTooBig(1200);
        link.Initiator.OnPacketTooBig(1300);
        Assert.Equal(1200, link.Initiator.PacketPayload);
        link.Initiator.OnPacketTooBig(40);
        Assert.Equal(UtpConnection.MinPacketPayload, link.Initiator.PacketPayload);
    }

    private static UtpHeader Header(byte[] datagram)
    {
        Assert.True(UtpHeader.TryRead(datagram, out var h));
        return h;
    }
}
