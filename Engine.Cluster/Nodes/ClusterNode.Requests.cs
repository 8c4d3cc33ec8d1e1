using Akka.Actor;
using Akka.DistributedData;
using Engine.Api;
using Engine.Cluster.Api;
using Engine.Cluster.Catalog;
using Engine.Core.Cluster;
using Engine.Core.Pieces;
using Engine.Core.Primitives;

namespace Engine.Cluster.Nodes;

/// <summary>What <see cref="TorrentCluster"/> asks of its node: change the catalog, read the cluster's torrents and members.</summary>
internal sealed partial class ClusterNode
{
    /// <summary>Put a torrent in the catalog; answered with its <see cref="InfoHash"/> once written locally (gossip spreads it).</summary>
    public sealed record AddTorrent(InfoHash Hash, CatalogEntry Entry);

    /// <summary>Take a torrent out of the catalog: every replica is removed and its data deleted. Answered with <see cref="Done"/>.</summary>
    public sealed record RemoveTorrent(InfoHash Hash);

    /// <summary>
    /// Pause (or resume) a torrent on every replica: the catalog entry's paused flag, which every holder follows and a new
    /// replica starts with. Answered with true once written locally, false when the catalog has no such torrent.
    /// </summary>
    public sealed record SetPaused(InfoHash Hash, bool Paused);

    /// <summary>
    /// Set a torrent's own rate limits (bytes/s; null: none) on every replica: fields of the catalog entry, which every
    /// holder applies and a new replica starts with. Answered with true once written locally, false when there is no such torrent.
    /// </summary>
    public sealed record SetLimits(InfoHash Hash, long? Upload, long? Download);

    /// <summary>
    /// Set one file's priority on every replica (the catalog entry's priorities). Answered with true once written locally,
    /// false when there is no such torrent, a failure (<see cref="ArgumentOutOfRangeException"/>) for a file index outside it.
    /// </summary>
    public sealed record SetFilePriority(InfoHash Hash, int FileIndex, Engine.Api.FilePriority Priority);

    /// <summary>Answered with every member this node knows (an <c>IReadOnlyList&lt;ClusterMember&gt;</c>), sorted by address.</summary>
    public sealed record GetMemberList;

    /// <summary>Answered with an <c>IReadOnlyList&lt;ClusterTorrent&gt;</c>.</summary>
    public sealed record ListTorrents;

    /// <summary>Answered with the reachable Up members' addresses (an <c>IReadOnlyList&lt;string&gt;</c>), sorted.</summary>
    public sealed record GetMembers;

    public sealed record Done
    {
        public static readonly Done Instance = new();
    }

    private sealed record Pending(IActorRef ReplyTo, object Answer);

    private void Requests()
    {
        Receive<AddTorrent>(a =>
        {
            var text = a.Entry.Encode();
            Write(ClusterKeys.Torrents, d => d.SetItem(_cluster.SelfUniqueAddress, CatalogEntry.Key(a.Hash), text), new Pending(Sender, a.Hash));
        });
        Receive<RemoveTorrent>(r =>
        {
            // Its settings registers go too, so the torrent added again later starts without them.
            if (_settings.ContainsKey(r.Hash))
                Write(ClusterKeys.Settings, d =>
                {
                    foreach (var key in d.Entries.Keys.Where(k => TorrentSettings.IsOf(k, r.Hash)).ToList()) d = d.Remove(_cluster.SelfUniqueAddress, key);
                    return d;
                });
            // A tombstone, not a removal: a pause written on another node just before and not yet seen here would
            // otherwise win over the removal (CatalogTombstone).
            var tombstone = CatalogTombstone.Make(DateTimeOffset.UtcNow);
            Write(ClusterKeys.Torrents, d => d.SetItem(_cluster.SelfUniqueAddress, CatalogEntry.Key(r.Hash), tombstone), new Pending(Sender, Done.Instance));
        });
        Receive<SetPaused>(p => Rewrite(p.Hash, e => e with { Paused = p.Paused }));
        Receive<SetLimits>(l => WriteSettings(l.Hash, e => [
            (TorrentSettings.Upload, TorrentSettings.Limit(l.Upload), TorrentSettings.Limit(e.UploadLimit)),
            (TorrentSettings.Download, TorrentSettings.Limit(l.Download), TorrentSettings.Limit(e.DownloadLimit)),
        ]));
        Receive<SetFilePriority>(p =>
        {
            if (_catalog.TryGetValue(p.Hash, out var c) && ((uint)p.FileIndex >= (uint)c.Meta.Files.Count || c.Meta.Files[p.FileIndex].IsPadding))
            {
                Sender.Tell(new Status.Failure(new ArgumentOutOfRangeException(nameof(p.FileIndex),
                    $"no file {p.FileIndex}: the torrent's files are numbered 0..{c.Meta.Files.Count - 1}")));
                return;
            }
            WriteSettings(p.Hash, e => [(TorrentSettings.File(p.FileIndex), TorrentSettings.Priority(p.Priority),
                TorrentSettings.Priority(p.FileIndex < e.FilePriorities?.Count ? e.FilePriorities[p.FileIndex] : Engine.Api.FilePriority.Normal))]);
        });
        Receive<GetMemberList>(_ =>
        {
            var members = new List<ClusterMember>(_members.Count);
            foreach (var (address, up) in _members) members.Add(new ClusterMember(address, up, !_unreachable.Contains(address)));
            members.Sort((x, y) => string.CompareOrdinal(x.Address, y.Address));
            Sender.Tell((IReadOnlyList<ClusterMember>)members);
        });
        Receive<UpdateSuccess>(u => { if (u.Request is Pending p) p.ReplyTo.Tell(p.Answer); });
        Receive<UpdateTimeout>(t => { if (t.Request is Pending p) p.ReplyTo.Tell(p.Answer); }); // written locally; gossip goes on
        Receive<IUpdateFailure>(f =>
        {
            if (f is IUpdateResponse { Request: Pending p })
                p.ReplyTo.Tell(new Status.Failure(new InvalidOperationException($"the catalog update failed: {f}")));
        });
        Receive<ListTorrents>(_ => Sender.Tell(List()));
        Receive<GetMembers>(_ =>
        {
            var nodes = PlacementNodes();
            nodes.Sort(StringComparer.Ordinal);
            Sender.Tell((IReadOnlyList<string>)nodes);
        });
    }

    /// <summary>Writes the catalog entry of <paramref name="hash"/> changed by <paramref name="change"/>; answers true once written, false when there is none.</summary>
    private void Rewrite(InfoHash hash, Func<CatalogEntry, CatalogEntry> change)
    {
        if (!_catalog.ContainsKey(hash)) { Sender.Tell(false); return; }
        var key = CatalogEntry.Key(hash);
        var self = _cluster.SelfUniqueAddress;
        // Changed from the replicator's current value, not this actor's copy, which lags it by a change notification:
        // two changes in a row (a limit, then a priority) both stay instead of the second overwriting the first.
        Write(ClusterKeys.Torrents, d => d.TryGetValue(key, out var text) && CatalogEntry.TryDecode(text, out _) is { } entry
            ? d.SetItem(self, key, change(entry).Encode())
            : d, new Pending(Sender, true));
    }

    /// <summary>
    /// Writes settings registers of <paramref name="hash"/>: each (field, value, the catalog entry's own value) whose value
    /// differs from the register's current one (or, without a register, from the entry's) — only what this change changes,
    /// so a concurrent change of another field on another node is not overwritten. Answers true once written, false when
    /// there is no such torrent.
    /// </summary>
    private void WriteSettings(InfoHash hash, Func<CatalogEntry, (string Field, string Value, string Entry)[]> fields)
    {
        if (!_catalog.TryGetValue(hash, out var c) || CatalogEntry.TryDecode(c.Text, out _) is not { } entry) { Sender.Tell(false); return; }
        var changes = fields(entry);
        var self = _cluster.SelfUniqueAddress;
        Write(ClusterKeys.Settings, d =>
        {
            foreach (var (field, value, own) in changes)
            {
                var key = TorrentSettings.Key(hash, field);
                if (d.TryGetValue(key, out var now) ? now != value : own != value) d = d.SetItem(self, key, value);
            }
            return d;
        }, new Pending(Sender, true));
    }

    private IReadOnlyList<ClusterTorrent> List()
    {
        var nodes = PlacementNodes();
        var list = new List<ClusterTorrent>(_catalog.Count);
        foreach (var (hash, (_, entry, meta)) in _catalog)
        {
            var holders = new List<ReplicaStatus>();
            foreach (var node in _members.Keys)
                if (_progress.TryGetValue(ReplicaProgress.Key(hash, node), out var p))
                    holders.Add(new ReplicaStatus(node, p.VerifiedPieces, p.PieceCount) { State = p.State, DownloadRate = p.DownloadRate, UploadRate = p.UploadRate });
            holders.Sort((x, y) => string.CompareOrdinal(x.Node, y.Node));
            list.Add(new ClusterTorrent(hash, meta.Name, meta.TotalLength, entry.Replicas, ReplicaPlacement.Place(hash, nodes, entry.Replicas), holders) 
            {
                IsPaused = entry.Paused,
                UploadLimit = entry.UploadLimit,
                DownloadLimit = entry.DownloadLimit,
                FilePriorities = entry.FilePriorities ?? [],
                Files = FileProgress.Compute(meta, new Bitfield(meta.PieceCount), entry.FilePriorities),
            });
        }
        list.Sort((x, y) => string.CompareOrdinal(x.Name, y.Name));
        return list;
    }
}
