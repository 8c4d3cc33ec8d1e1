using System.Net;
using Akka.Actor;
using Akka.Event;
using Engine.Core.Primitives;
using Engine.WebSeeds;

namespace Engine.Peers;

/// <summary>
/// Web seeds (BEP 19): one <see cref="WebSeedActor"/> per http(s) URL of the torrent's <c>url-list</c>, started with
/// the PeerManager (so they stop, pause and start again with the swarm) and stopped while the torrent seeds. They count as peers: in the summary (rates,
/// totals, the peer count) and in the peers' list, as <see cref="PeerSource.WebSeed"/> with their URL. One banned by
/// smart ban is not started again by this PeerManager.
/// </summary>
internal sealed partial class PeerManager
{
    private sealed class WebSeedEntry(IActorRef actor, string url)
    {
        public IActorRef Actor { get; } = actor;
        public string Url { get; } = url;
        public WebSeedActor.Report? Last;
    }

    private readonly Dictionary<IPEndPoint, WebSeedEntry> _webSeeds = new();
    private int _webSeedCounter;

    private void OnWebSeedReport(WebSeedActor.Report m)
    {
        if (_webSeeds.TryGetValue(m.Key, out var e) && e.Actor.Equals(Sender)) e.Last = m;
    }

    private void OnWebSeedEnded(WebSeedActor.Ended m)
    {
        if (!_webSeeds.TryGetValue(m.Key, out var e) || !e.Actor.Equals(Sender)) return; // one let go by WebSeedsFollowSeeding
        _webSeeds.Remove(m.Key);
        _closedDownloaded += m.Downloaded;
        if (m.Banned) _book.Ban(m.Key, Now);
        Context.GetLogger().Info("web seed {0} gone: {1}", m.Url, m.Reason);
    }

    /// <summary>A seeding torrent needs no web seed: they stop when it completes, and start again if it loses data.</summary>
    private void WebSeedsFollowSeeding()
    {
        if (!_seeding)
        {
            StartWebSeeds();
            return;
        }
        foreach (var e in _webSeeds.Values)
        {
            _closedDownloaded += e.Last?.Downloaded ?? 0;
            Context.Stop(e.Actor);
        }
        _webSeeds.Clear();
    }

    private void StartWebSeeds()
    {
        if (_ctx.WebSeeds is not { } ws || _seeding) return;
        foreach (var url in ws.Urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) continue;
            var key = WebSeedActor.KeyFor(url);
            if (_webSeeds.ContainsKey(key) || _book.IsBanned(key, Now)) continue;
            var actor = Context.ActorOf(WebSeedActor.Props(ws, url), $"webseed-{++_webSeedCounter}");
            _webSeeds[key] = new WebSeedEntry(actor, url);
        }
    }

    /// <summary>The web seeds as peers' figures, for the peers' list.</summary>
    private void AddWebSeedStats(List<PeerStats> into)
    {
        foreach (var (key, e) in _webSeeds)
        {
            if (e.Last is not { } r) continue;
            into.Add(new PeerStats(key, null, r.DownloadRate, 0, r.Downloaded, 0, PeerInterested: false, AmChoking: true, AmInterested: r.Interested,
                PeerChoking: false, r.LastBlockAt, r.StartedAt, _ctx.Layout.PieceCount, Snubbed: false) { Source = PeerSource.WebSeed, Url = e.Url });
        }
    }

    /// <summary>Adds the web seeds' rates and totals to the summary's.</summary>
    private int AddWebSeedFigures(ref double down, ref long downloaded)
    {
        foreach (var e in _webSeeds.Values)
        {
            if (e.Last is not { } r) continue;
            down += r.DownloadRate;
            downloaded += r.Downloaded;
        }
        return _webSeeds.Count;
    }
}
