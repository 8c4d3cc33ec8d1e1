using Akka.Actor;
using Akka.Event;
using Engine.Core.Merkle;
using Engine.Core.Pieces;
using Engine.Core.Wire;

namespace Engine.Pieces;

/// <summary>
/// BEP 52 piece layers a v2-only torrent came without (a .torrent without <c>piece layers</c>, or metadata from a
/// magnet): the pure <see cref="LayerFetch{TPeer}"/> decides which peer is asked for which chunk; here its requests
/// go out (on a peer's arrival, after each answer, and every second for timed-out or rejected chunks) and the answers
/// come back (a hybrid rebuilds its layers from its own data instead: PieceManager.Rebuild.cs). A piece of a file whose
/// layer is unknown is downloaded but held — its blocks stay on disk, it is neither
/// verified nor counted as had — and verified as soon as the layer is complete. The layers learnt and the pieces held
/// go into the resume record (<c>StorageActor.Layers.cs</c>), so a restart neither asks for a layer again nor
/// downloads a held piece again. Only peers that speak v2 (<see cref="PeerJoined.SpeaksV2"/>) are asked; one whose
/// hashes do not lead to the pieces root is banned, as for any protocol violation.
/// </summary>
internal sealed partial class PieceManager
{
    /// <summary>To a peer: send these <c>hash request</c>s.</summary>
    public sealed record AskHashes(PeerMessage[] Requests);

    /// <summary>From a peer: its <c>hashes</c> or <c>hash reject</c>.</summary>
    public sealed record HashAnswered(PeerMessage Answer);

    private sealed class LayerTick { public static readonly LayerTick Instance = new(); }

    private static readonly TimeSpan LayerTickInterval = TimeSpan.FromSeconds(1);
    private const int LayerStatusEveryTicks = 30;

    private readonly MerklePieces? _merkle;
    private readonly LayerFetch<int>? _layerFetch;
    private readonly SortedSet<int> _heldForLayer = new();
    private int _layerTicks;

    private void StartLayerFetch()
    {
        if (_layerFetch is null || _layerFetch.Done) return;
        Context.GetLogger().Info("{0} piece layer(s) missing: asking peers for them (BEP 52 hash requests)", _merkle!.MissingLayers);
        Timers.StartPeriodicTimer("layers", LayerTick.Instance, LayerTickInterval);
    }

    /// <summary>True (and the piece held) when <paramref name="piece"/> cannot be checked until its file's layer arrives.</summary>
    private bool HoldForLayer(int piece)
    {
        if (_merkle is null || _merkle.HasHash(piece)) return false;
        if (_heldForLayer.Add(piece)) SaveSoon(); // a restart keeps it (the resume record's held pieces)
        return true;
    }

    /// <summary>Pieces held before a restart: complete in the picker (none of their blocks is asked for), waiting for their layer.</summary>
    private void RestoreHeld(Bitfield? held)
    {
        if (held is null || _merkle is null) return;
        for (var piece = held.NextSet(0); piece >= 0; piece = held.NextSet(piece + 1))
        {
            if (_picker.Have[piece] || _merkle.HasHash(piece)) continue;
            _picker.PieceDownloaded(piece);
            _heldForLayer.Add(piece);
        }
    }

    /// <summary>The held pieces as a bitfield for the resume record; null when none.</summary>
    private Bitfield? HeldPieces()
    {
        if (_heldForLayer.Count == 0) return null;
        var held = new Bitfield(_layout.PieceCount);
        foreach (var piece in _heldForLayer) held[piece] = true;
        return held;
    }

    /// <summary>The resume record is saved within the save interval (with the layers learnt and the pieces held).</summary>
    private void SaveSoon()
    {
        _resumeDirty = true;
        if (!Timers.IsTimerActive("save")) Timers.StartSingleTimer("save", SaveTick.Instance, _saveInterval);
    }

    private void AskForLayers(PeerState p)
    {
        if (_layerFetch is null || _layerFetch.Done || !p.SpeaksV2) return;
        var ranges = _layerFetch.Next(p.Key, Context.System.Scheduler.Now);
        if (ranges.Count == 0) return;
        var requests = new PeerMessage[ranges.Count];
        for (var i = 0; i < requests.Length; i++) requests[i] = new HashRequest(ranges[i]);
        p.Actor.Tell(new AskHashes(requests));
    }

    private void OnHashAnswered(HashAnswered m)
    {
        if (!_peers.TryGetValue(Sender, out var p) || OnLeafAnswer(p, m.Answer) || _layerFetch is null) return;
        var now = Context.System.Scheduler.Now;
        if (m.Answer is HashReject reject)
        {
            _layerFetch.OnReject(p.Key, reject.Range, now);
            foreach (var other in _peers.Values)
                if (other != p) AskForLayers(other);
            return;
        }
        if (m.Answer is not Hashes hashes) return;
        switch (_layerFetch.OnHashes(p.Key, hashes.Range, hashes.Data))
        {
            case LayerAnswer.Wrong:
                const string reason = "protocol violation: piece-layer hashes that do not lead to the pieces root";
                Context.GetLogger().Warning("banning {0}: {1}", p.BanKey, reason);
                Ban(p.BanKey, reason);
                return;
            case LayerAnswer.LayerComplete:
                SaveSoon(); // the layer is kept in the resume record: a restart does not ask for it again
                VerifyHeld();
                break;
        }
        AskForLayers(p);
    }

    private void VerifyHeld()
    {
        var log = Context.GetLogger();
        log.Info("piece layer received ({0} still missing); verifying the pieces held for it", _merkle!.MissingLayers);
        List<int>? ready = null;
        foreach (var piece in _heldForLayer)
            if (_merkle.HasHash(piece)) (ready ??= []).Add(piece);
        if (ready is not null)
            foreach (var piece in ready)
            {
                _heldForLayer.Remove(piece);
                Verify(piece);
            }
        if (_layerFetch!.Done) Timers.Cancel("layers");
    }

    private void OnLayerTick()
    {
        if (_layerFetch is null || _layerFetch.Done)
        {
            Timers.Cancel("layers");
            return;
        }
        _layerFetch.Expire(Context.System.Scheduler.Now);
        foreach (var p in _peers.Values) AskForLayers(p);
        if (++_layerTicks % LayerStatusEveryTicks == 0)
            Context.GetLogger().Warning("still waiting for {0} piece layer(s): {1} downloaded piece(s) held unverified, {2} hash request(s) in flight, {3} peer(s) connected",
                _merkle!.MissingLayers, _heldForLayer.Count, _layerFetch.InFlight, _peers.Count);
    }
}
