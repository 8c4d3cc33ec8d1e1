using Engine.Core.Buffers;
using Engine.Core.Extensions;
using Engine.Core.Merkle;
using Engine.Core.Metadata;
using Engine.Core.Peers;
using Engine.Core.Pieces;
using Engine.Core.Primitives;
using Engine.Core.Wire;

namespace Engine.Tests.Core.Peers;

/// <summary>
/// A <see cref="PeerSession"/> on a small torrent (10 pieces of 32 KiB: 2 blocks each) with its recorded effects and a
/// clock the test moves. <see cref="Start"/> plays the peer's handshake.
/// </summary>
internal sealed class SessionHarness
{
    public static readonly InfoHash Hash = InfoHash.FromHex("0123456789abcdef0123456789abcdef01234567");

    public TorrentLayout Layout { get; }
    public PeerId Ours { get; } = PeerId.CreateOurs();
    public PeerId Theirs { get; } = PeerId.CreateOurs();
    public PeerSettings Settings { get; }
    public RecordedEffects Effects { get; } = new();
    public PeerSession Session { get; }
    public DateTimeOffset Now { get; private set; } = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private readonly BlockPool _pool = new(64);

    public SessionHarness(PeerSettings? settings = null, TorrentLayout? layout = null, ReadOnlyMemory<byte> metadata = default, ExtensionRegistry? extensions = null,
        MerklePieces? merkle = null)
    {
        Layout = layout ?? new TorrentLayout(10 * 32 * 1024, 32 * 1024);
        Settings = settings ?? new PeerSettings();
        Session = new PeerSession(new PeerSessionContext(Hash, Ours, Layout, Settings)
        {
            Extensions = extensions ?? MetadataServer.Register(ExtensionRegistry.Empty, metadata),
            ListenPort = 6881,
            Merkle = merkle,
        }, Effects, Now);
    }

    /// <summary>The peer's handshake (fast extension and BEP 10 by default); the effects recorded so far are forgotten.</summary>
    public SessionHarness Start(bool fast = true, bool extensions = true)
    {
        Assert.True(Session.OnHandshake(new Handshake(Hash, Theirs, extensions, fast), Now));
        Effects.Clear();
        return this;
    }

    /// <summary>Started, our pieces announced, the peer has everything, we are interested and unchoked; blocks asked for.</summary>
    public SessionHarness Downloading(bool fast = true)
    {
        Start(fast);
        Session.OnWelcome(new Bitfield(Layout.PieceCount), Now);
        if (fast) Receive(HaveAll.Instance);
        else Receive(new BitfieldMessage(Full().ToWire()));
        Session.OnInterest(true, Now);
        Receive(Unchoke.Instance);
        Effects.Clear();
        return this;
    }

    /// <summary>Started as a seed (we have every piece), the peer interested and unchoked by us.</summary>
    public SessionHarness Uploading(bool fast = true, Bitfield? have = null)
    {
        Start(fast);
        Session.OnWelcome(have ?? Full(), Now);
        Receive(Interested.Instance);
        Session.OnChoke(false, Now);
        Effects.Clear();
        return this;
    }

    public Bitfield Full()
    {
        var all = new Bitfield(Layout.PieceCount);
        all.SetAll();
        return all;
    }

    public void Receive(PeerMessage message) => Session.OnMessage(message, Now);

    public void ReceiveRead(params PeerMessage[] messages) => Session.OnMessages(messages, Now);

    public void Advance(TimeSpan by) => Now += by;

    /// <summary>Moves the clock one tick at a time (1 s), ticking the session each time.</summary>
    public void Tick(TimeSpan total)
    {
        for (var t = TimeSpan.Zero; t < total; t += Settings.TickInterval)
        {
            Advance(Settings.TickInterval);
            Session.OnTick(Now);
        }
    }

    /// <summary>A piece message for <paramref name="block"/> with a pooled buffer.</summary>
    public PieceMessage Piece(BlockRequest block, byte fill = 0x5A)
    {
        var data = _pool.Rent(block.Length);
        data.Span.Fill(fill);
        return new PieceMessage(block.Piece, block.Offset, data);
    }

    public Request RequestFor(BlockRequest b) => new(b.Piece, b.Offset, b.Length);

    public BlockRequest Block(int piece, int index) => Layout.Block(piece, index);
}
