using Akka.Actor;
using Engine.Api;
using Engine.Core.Metainfo;
using Engine.Core.Primitives;
using Engine.Events;

namespace Engine.Sharing;

internal sealed partial class ShareActor
{
    private sealed record CatalogRead(string Query, IActorRef? ReplyTo, IReadOnlyList<CatalogItem>? Items, string? Error);
    private sealed record TorrentRead(IActorRef? ReplyTo, CatalogItem Item, byte[]? Torrent, bool TargetExists, string? Error);
    private sealed class FollowTick { public static readonly FollowTick Instance = new(); }
    private sealed record FollowRead(IReadOnlyList<CatalogItem>? Items, string? Error);
    private sealed class ProgressTick { public static readonly ProgressTick Instance = new(); }
    private sealed record StatusRead(InfoHash InfoHash, TorrentSnapshot? Status);

    private readonly Dictionary<InfoHash, List<IActorRef>> _fetchReplies = new();
    private readonly HashSet<InfoHash> _fetching = new();
    private readonly HashSet<InfoHash> _followIgnored = new();
    private readonly HashSet<InfoHash> _failedReported = new();
    private bool _following;

    /// <summary>The fetching messages, tried after the main switch's own cases. False: not handled.</summary>
    private bool ReceiveFetch(object message)
    {
        switch (message)
        {
            case Fetch m: StartFetch(m.Query, Sender); return true;
            case CatalogRead m: OnCatalogRead(m); return true;
            case TorrentRead m: OnTorrentRead(m); return true;
            case FollowTick: ReadCatalogToFollow(); return true;
            case FollowRead m: OnFollowRead(m); return true;
            case ProgressTick: CheckDownloads(); return true;
            case StatusRead m: OnStatusRead(m); return true;
            default: return false;
        }
    }

    private void StartFetchTimers()
    {
        Timers.StartPeriodicTimer("progress", ProgressTick.Instance, _options.ProgressInterval);
        if (_options.Follow && _catalog is not null)
        {
            Timers.StartPeriodicTimer("follow", FollowTick.Instance, _options.FollowInterval);
            Self.Tell(FollowTick.Instance);
        }
    }

    private void StartFetch(string query, IActorRef? replyTo)
    {
        if (_catalog is null)
        {
            replyTo?.Tell(new FetchRefused("fetching needs an http(s) tracker, whose catalog lists the torrents"));
            return;
        }
        _catalog.GetCatalogAsync().PipeTo(Self,
            success: items => new CatalogRead(query, replyTo, items, null),
            failure: e => new CatalogRead(query, replyTo, null, Reason(e)));
    }

    private void OnCatalogRead(CatalogRead m)
    {
        if (m.Items is null)
        {
            Refuse(m.ReplyTo, m.Query, m.Error!);
            return;
        }
        var (item, error) = CatalogLookup.Find(m.Items, m.Query);
        if (item is null)
        {
            Refuse(m.ReplyTo, m.Query, error!);
            return;
        }
        BeginDownload(item, m.ReplyTo);
    }

    private void BeginDownload(CatalogItem item, IActorRef? replyTo)
    {
        if (_library.Find(item.InfoHash) is { } known)
        {
            if (known.State == ShareItemState.Downloading) AwaitAdded(item.InfoHash, replyTo);
            else replyTo?.Tell(new FetchAccepted(item.InfoHash, known.Name, SizeOf(item.InfoHash), AlreadyComplete: true));
            return;
        }
        if (!_fetching.Add(item.InfoHash))
        {
            AwaitAdded(item.InfoHash, replyTo);
            return;
        }
        var catalog = _catalog!;
        var directory = _directory;
        var name = item.Name;
        Task.Run(async () =>
        {
            var torrent = await catalog.GetTorrentFileAsync(item.InfoHash).ConfigureAwait(false);
            var exists = name is not null && (File.Exists(Path.Combine(directory, name)) || Directory.Exists(Path.Combine(directory, name)));
            return (torrent, exists);
        }).PipeTo(Self,
            success: r => new TorrentRead(replyTo, item, r.torrent, r.exists, null),
            failure: e => new TorrentRead(replyTo, item, null, false, Reason(e)));
    }

    private void OnTorrentRead(TorrentRead m)
    {
        var hash = m.Item.InfoHash;
        if (m.Torrent is null)
        {
            _fetching.Remove(hash);
            Refuse(m.ReplyTo, m.Item.Name ?? hash.ToHex(), m.Error!);
            return;
        }
        TorrentMetainfo metainfo;
        try { metainfo = TorrentMetainfo.Parse(m.Torrent); }
        catch (MetainfoException e)
        {
            _fetching.Remove(hash);
            Refuse(m.ReplyTo, m.Item.Name ?? hash.ToHex(), $"the tracker's .torrent does not parse: {e.Message}");
            return;
        }
        string? problem = null;
        if (metainfo.InfoHash != hash) problem = $"the tracker's .torrent for {hash} has the info-hash {metainfo.InfoHash}";
        else if (metainfo.Name.IndexOfAny(['/', '\\']) >= 0 || !ShareLibrary.IsShareableName(metainfo.Name))
            problem = $"'{metainfo.Name}' is not a name this directory takes (hidden, temporary or with a path)";
        else if (m.TargetExists && _library.Find(metainfo.Name) is null)
            problem = $"{Path.Combine(_directory, metainfo.Name)} exists and is not one of this share's files; not overwriting it";
        else problem = _library.AddDownload(metainfo.Name, hash);
        if (problem is not null)
        {
            _fetching.Remove(hash);
            Refuse(m.ReplyTo, metainfo.Name, problem);
            if (m.ReplyTo is null) _followIgnored.Add(hash);
            return;
        }
        _torrents[hash] = m.Torrent;
        _store.SaveTorrent(hash, m.Torrent);
        _store.SaveIndex(_library.Records());
        _publish(new FetchStarted(Now, metainfo.Name, hash, metainfo.TotalLength, Resumed: false));
        AwaitAdded(hash, m.ReplyTo);
        AddToEngine(hash);
    }

    private void AwaitAdded(InfoHash hash, IActorRef? replyTo)
    {
        if (replyTo is null) return;
        if (_handles.ContainsKey(hash) && _library.Find(hash) is { } item)
        {
            replyTo.Tell(new FetchAccepted(hash, item.Name, SizeOf(hash), item.State == ShareItemState.Shared));
            return;
        }
        if (!_fetchReplies.TryGetValue(hash, out var list)) _fetchReplies[hash] = list = new List<IActorRef>();
        list.Add(replyTo);
    }

    /// <summary>The engine took a torrent: answer whoever asked to fetch it.</summary>
    private void OnFetchAdded(InfoHash hash)
    {
        _fetching.Remove(hash);
        if (!_fetchReplies.Remove(hash, out var waiting) || _library.Find(hash) is not { } item) return;
        foreach (var r in waiting) r.Tell(new FetchAccepted(hash, item.Name, SizeOf(hash), item.State == ShareItemState.Shared));
    }

    private void OnAddFailed(InfoHash hash, string error)
    {
        _fetching.Remove(hash);
        if (_fetchReplies.Remove(hash, out var waiting))
            foreach (var r in waiting) r.Tell(new FetchRefused(error));
    }

    private void Refuse(IActorRef? replyTo, string what, string reason)
    {
        if (replyTo is not null) replyTo.Tell(new FetchRefused(reason));
        else _publish(new ShareProblem(Now, $"not fetching '{what}': {reason}"));
    }

    private void ReadCatalogToFollow()
    {
        if (_following) return;
        _following = true;
        _catalog!.GetCatalogAsync().PipeTo(Self,
            success: items => new FollowRead(items, null),
            failure: e => new FollowRead(null, Reason(e)));
    }

    private void OnFollowRead(FollowRead m)
    {
        _following = false;
        if (m.Items is null) return; // the tracker is away; the next tick tries again
        foreach (var item in m.Items)
        {
            if (!item.Published || item.Name is null || _followIgnored.Contains(item.InfoHash) || _fetching.Contains(item.InfoHash)) continue;
            if (_library.Find(item.InfoHash) is not null) continue;
            if (_library.Find(item.Name) is not null)
            {
                _followIgnored.Add(item.InfoHash);
                _publish(new ShareProblem(Now, $"not fetching '{item.Name}' ({item.InfoHash}): a different file of that name is here"));
                continue;
            }
            BeginDownload(item, null);
        }
    }

    private void CheckDownloads()
    {
        foreach (var item in _library.Items)
            if (item.State == ShareItemState.Downloading && item.InfoHash is { } hash && _handles.TryGetValue(hash, out var handle))
                handle.GetStatusAsync().PipeTo(Self,
                    success: s => new StatusRead(hash, s),
                    failure: _ => new StatusRead(hash, null));
    }

    private void OnStatusRead(StatusRead m)
    {
        if (m.Status is not { } status || _library.Find(m.InfoHash) is not { State: ShareItemState.Downloading } item) return;
        if (status.IsComplete && status.State == TorrentState.Seeding)
        {
            _library.DownloadCompleted(m.InfoHash);
            _store.SaveIndex(_library.Records());
            _publish(new FetchCompleted(Now, item.Name, m.InfoHash, status.TotalBytes));
            RequestScan(soon: true);
        }
        else if (status.State == TorrentState.Error && _failedReported.Add(m.InfoHash))
            _publish(new FetchFailed(Now, item.Name, status.Error ?? "the torrent failed"));
    }
}
