using System.Net;
using Akka.Actor;
using Akka.Event;
using Engine.Api;
using Engine.Cluster.Catalog;
using Engine.Core.Cluster;
using Engine.Core.Primitives;

namespace Engine.Cluster.Nodes;

/// <summary>The engine's side of a node: the replicas placement gives it, their peers, their published progress.</summary>
internal sealed partial class ClusterNode
{
    private readonly Dictionary<InfoHash, TorrentHandle> _held = new();
    private readonly HashSet<InfoHash> _adding = new();
    private readonly Dictionary<InfoHash, ReplicaProgress> _published = new();

    /// <summary>The held torrents paused here (as the catalog asked when they were added or last reconciled).</summary>
    private readonly HashSet<InfoHash> _paused = new();

    /// <summary>The limits and file priorities each held replica was last given (<see cref="CatalogEntry.Settings"/>).</summary>
    private readonly Dictionary<InfoHash, (long? Upload, long? Download, string Priorities)> _applied = new();

    private sealed record Added(InfoHash Hash, TorrentHandle Handle, bool Paused, (long?, long?, string) Settings);
    private sealed record SettingsFollowed(InfoHash Hash);
    private sealed record SettingsFailed(InfoHash Hash, Exception Cause);
    private sealed record PauseFollowed(InfoHash Hash);
    private sealed record PauseFailed(InfoHash Hash, Exception Cause);
    private sealed record AddFailed(InfoHash Hash, Exception Cause);
    private sealed record Progressed(InfoHash Hash, ReplicaProgress Progress);
    private sealed record Removed(InfoHash Hash);
    private sealed record DeleteFailed(InfoHash Hash, Exception Cause);

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private void Replicas()
    {
        Receive<Added>(a =>
        {
            _adding.Remove(a.Hash);
            _held[a.Hash] = a.Handle;
            if (a.Paused) _paused.Add(a.Hash);
            _applied[a.Hash] = a.Settings;
            ScheduleReconcile(); // placement may have moved on while the engine added it
        });
        Receive<AddFailed>(f =>
        {
            _adding.Remove(f.Hash);
            _log.Warning("cluster: could not add {0} to this node's engine (trying again in {1} s): {2}", f.Hash, RetryDelay.TotalSeconds, f.Cause.Message);
            // An engine still removing the same torrent (placement moved away and back) refuses it for a moment; a
            // full disk may clear. Placement is recomputed later, not only on the next membership or catalog change.
            Timers.StartSingleTimer("retry", Settled.Instance, RetryDelay);
        });
        Receive<Removed>(_ => { });
        Receive<PauseFollowed>(_ => { });
        Receive<SettingsFollowed>(_ => { });
        Receive<SettingsFailed>(f => _log.Warning("cluster: could not apply the limits or file priorities of {0}: {1}", f.Hash, f.Cause.Message));
        Receive<PauseFailed>(f => _log.Warning("cluster: could not pause or resume {0}: {1}", f.Hash, f.Cause.Message));
        Receive<DeleteFailed>(f => _log.Warning("cluster: could not delete the data of {0}, gone from the catalog: {1}", f.Hash, f.Cause.Message));
        Receive<Refresh>(_ =>
        {
            GivePeers();
            foreach (var (hash, handle) in _held)
                handle.GetStatusAsync().PipeTo(Self, success: s => new Progressed(hash, new ReplicaProgress(s.VerifiedPieces, s.PieceCount)
                    {
                        State = s.State,
                        DownloadRate = (long)s.DownloadRate,
                        UploadRate = (long)s.UploadRate,
                    }),
                    failure: _ => new Progressed(hash, default));
        });
        Receive<Progressed>(p =>
        {
            if (!_held.ContainsKey(p.Hash) || p.Progress.PieceCount == 0) return;
            if (_published.TryGetValue(p.Hash, out var last) && last == p.Progress) return;
            _published[p.Hash] = p.Progress;
            Write(ClusterKeys.Progress, d => d.SetItem(_cluster.SelfUniqueAddress, ReplicaProgress.Key(p.Hash, _self), p.Progress.Encode()));
        });
    }

    /// <summary>Adds what placement gives this node and is not on its engine; removes what it no longer gives.</summary>
    private void Reconcile()
    {
        var nodes = PlacementNodes();
        if (!nodes.Contains(_self)) return; // not Up yet, or leaving: keep seeding what we have until we are gone
        foreach (var (hash, (_, entry, _)) in _catalog)
        {
            if (_held.ContainsKey(hash) || _adding.Contains(hash) || !ReplicaPlacement.Holds(_self, hash, nodes, entry.Replicas)) continue;
            _adding.Add(hash);
            var save = Path.Combine(_dataDirectory, hash.ToHex());
            var paused = entry.Paused;
            var settings = entry.Settings;
            var options = new TorrentOptions
            {
                Remember = false,
                StartPaused = paused,
                UploadLimit = entry.UploadLimit,
                DownloadLimit = entry.DownloadLimit,
                FilePriorities = entry.FilePriorities,
            };
            _engine.AddAsync(entry.Torrent, save, options)
                .PipeTo(Self, success: h => new Added(hash, h, paused, settings), failure: e => new AddFailed(hash, e));
        }
        FollowPauses();
        FollowSettings();
        foreach (var (hash, handle) in _held.ToList())
        {
            var inCatalog = _catalog.TryGetValue(hash, out var c);
            if (inCatalog && ReplicaPlacement.Holds(_self, hash, nodes, c.Entry.Replicas)) continue;
            _held.Remove(hash);
            _published.Remove(hash);
            _paused.Remove(hash);
            _applied.Remove(hash);
            // Moved away: the data stays (coming back costs a check, not a download); dropped from the catalog: deleted.
            if (inCatalog) handle.RemoveAsync(deleteData: false).PipeTo(Self, success: () => new Removed(hash), failure: e => new DeleteFailed(hash, e));
            else DeleteLeftover(hash, handle.RemoveAsync(deleteData: true));
            Write(ClusterKeys.Progress, d => d.Remove(_cluster.SelfUniqueAddress, ReplicaProgress.Key(hash, _self)));
        }
        GivePeers();
    }

    /// <summary>Pauses the held torrents the catalog says are paused, and resumes the others that were.</summary>
    private void FollowPauses()
    {
        foreach (var (hash, handle) in _held)
        {
            if (!_catalog.TryGetValue(hash, out var c) || c.Entry.Paused == _paused.Contains(hash)) continue;
            if (c.Entry.Paused) _paused.Add(hash); else _paused.Remove(hash);
            (c.Entry.Paused ? handle.PauseAsync() : handle.ResumeAsync())
                .PipeTo(Self, success: () => new PauseFollowed(hash), failure: e => new PauseFailed(hash, e));
        }
    }

    /// <summary>Gives the held replicas the limits and file priorities the catalog now says, where they changed.</summary>
    private void FollowSettings()
    {
        foreach (var (hash, handle) in _held)
        {
            if (!_catalog.TryGetValue(hash, out var c) || !_applied.TryGetValue(hash, out var was)) continue;
            var want = c.Entry.Settings;
            if (want == was) continue;
            _applied[hash] = want;
            var entry = c.Entry;
            ApplySettingsAsync(handle, entry, c.Meta.Files.Count, (was.Upload, was.Download) != (want.Upload, want.Download), was.Priorities != want.Priorities)
                .PipeTo(Self, success: () => new SettingsFollowed(hash), failure: e => new SettingsFailed(hash, e));
        }
    }

    /// <summary>The limits at once, then each file whose priority differs from the engine's (one re-plan each).</summary>
    private static async Task ApplySettingsAsync(TorrentHandle handle, CatalogEntry entry, int files, bool limits, bool priorities)
    {
        if (limits) handle.SetLimits(entry.UploadLimit, entry.DownloadLimit);
        if (!priorities) return;
        var now = handle.FilePriorities(files);
        for (var i = 0; i < files; i++)
        {
            var want = entry.FilePriorities is { } p && i < p.Count ? p[i] : FilePriority.Normal;
            if (now[i] != want) await handle.SetFilePriorityAsync(i, want).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A torrent gone from the catalog that this node does not hold may still have data here, from a replica it handed
    /// over when a node joined: delete its directory (off the actor thread), after <paramref name="first"/> (the engine's
    /// removal of a replica it held).
    /// </summary>
    private void DeleteLeftover(InfoHash hash, Task? first = null)
    {
        var dir = Path.Combine(_dataDirectory, hash.ToHex());
        (first ?? Task.CompletedTask).ContinueWith(_ => { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }, TaskScheduler.Default)
            .PipeTo(Self, success: () => new Removed(hash), failure: e => new DeleteFailed(hash, e));
    }

    /// <summary>Gives every torrent held here the endpoints of the other nodes placed on it or reporting a replica, and its sources.</summary>
    private void GivePeers()
    {
        if (_held.Count == 0) return;
        var nodes = PlacementNodes();
        foreach (var (hash, handle) in _held)
        {
            if (!_catalog.TryGetValue(hash, out var c)) continue;
            var peers = new List<IPEndPoint>(c.Entry.Sources);
            foreach (var node in Holders(hash, nodes, c.Entry.Replicas))
                if (node != _self && _endpoints.TryGetValue(node, out var ep)) peers.Add(ep);
            if (peers.Count > 0) handle.AddPeers(peers);
        }
    }

    /// <summary>The nodes placed on <paramref name="hash"/> and the reachable members that report a replica of it.</summary>
    private HashSet<string> Holders(InfoHash hash, List<string> nodes, int replicas)
    {
        var holders = new HashSet<string>(ReplicaPlacement.Place(hash, nodes, replicas));
        foreach (var node in _members.Keys)
            if (!_unreachable.Contains(node) && _progress.ContainsKey(ReplicaProgress.Key(hash, node))) holders.Add(node);
        return holders;
    }
}
