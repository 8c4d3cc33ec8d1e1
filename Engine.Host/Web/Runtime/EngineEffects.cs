using System.Runtime.CompilerServices;
using Engine.Api;
using Engine.Events;
using Engine.Host.Web.Ui;

namespace Engine.Host.Web.Runtime;

/// <summary>Executes the UI's commands against the engine and turns its events into messages.</summary>
public sealed class EngineEffects(WebEngine engine) : IUiEffects
{
    public async Task<Msg> RunAsync(Cmd cmd, CancellationToken cancellationToken)
    {
        switch (cmd)
        {
            case Cmd.LoadTorrents:
                try
                {
                    var torrents = await engine.ListAsync().ConfigureAwait(false);
                    var dht = await engine.Engine.GetDhtStatusAsync(cancellationToken).ConfigureAwait(false);
                    return new Msg.TorrentsLoaded(torrents) { DhtNodes = dht?.Nodes };
                }
                catch (TorrentEngineException e)
                {
                    return new Msg.TorrentsLoadFailed(e.Message);
                }
            case Cmd.LoadDetails d:
                try
                {
                    return engine.Find(d.Hash) is { } handle
                        ? new Msg.DetailsLoaded(await engine.DetailsAsync(handle).ConfigureAwait(false))
                        : new Msg.DetailsLoadFailed(d.Hash, "no such torrent");
                }
                catch (TorrentEngineException e)
                {
                    return new Msg.DetailsLoadFailed(d.Hash, e.Message);
                }
            case Cmd.AddTorrent a:
                try
                {
                    var handle = await engine.AddAsync(a.Request, cancellationToken).ConfigureAwait(false);
                    return new Msg.TorrentAdded(handle.InfoHash.ToHex(), handle.Name);
                }
                catch (Exception e) when (e is TorrentEngineException or ArgumentException or IOException or UnauthorizedAccessException)
                {
                    return new Msg.AddFailed(e.Message);
                }
            case Cmd.Pause p:
                return await ActAsync(p.Hash, TorrentAction.Pause, engine.PauseAsync).ConfigureAwait(false);
            case Cmd.Resume r:
                return await ActAsync(r.Hash, TorrentAction.Resume, engine.ResumeAsync).ConfigureAwait(false);
            case Cmd.LoadSettings:
                return new Msg.SettingsLoaded(engine.Settings());
            case Cmd.SaveSettings s:
                try
                {
                    return new Msg.SettingsSaved(engine.SaveSettings(s.UploadLimit, s.DownloadLimit, s.DefaultSaveDirectory));
                }
                catch (Exception e) when (e is TorrentEngineException or ArgumentException or IOException or UnauthorizedAccessException)
                {
                    return new Msg.SettingsFailed(e.Message);
                }
            case Cmd.SetTorrentLimits l:
                return await ActAsync(l.Hash, TorrentAction.SetLimits, h =>
                {
                    h.SetLimits(l.UploadLimit, l.DownloadLimit);
                    return Task.CompletedTask;
                }).ConfigureAwait(false);
            case Cmd.SetFilePriority f:
                if (EngineViews.ParsePriority(f.Priority) is not { } priority)
                    return new Msg.ActionFailed(f.Hash, TorrentAction.SetFilePriority, $"'{f.Priority}' is not a priority");
                return await ActAsync(f.Hash, TorrentAction.SetFilePriority, h => h.SetFilePriorityAsync(f.Index, priority)).ConfigureAwait(false);
            case Cmd.Remove r:
                var removed = await ActAsync(r.Hash, TorrentAction.Remove, h => engine.RemoveAsync(h, r.DeleteData)).ConfigureAwait(false);
                return removed is Msg.ActionSucceeded ? new Msg.TorrentRemoved(r.Hash, r.DeleteData) : removed;
            default:
                throw new ArgumentOutOfRangeException(nameof(cmd), cmd, "not a single command");
        }
    }

    private async Task<Msg> ActAsync(string hash, TorrentAction action, Func<TorrentHandle, Task> act)
    {
        if (engine.Find(hash) is not { } handle) return new Msg.ActionFailed(hash, action, "no such torrent");
        try
        {
            await act(handle).ConfigureAwait(false);
            return new Msg.ActionSucceeded(hash, action);
        }
        catch (Exception e) when (e is TorrentEngineException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new Msg.ActionFailed(hash, action, e.Message);
        }
    }

    public async IAsyncEnumerable<Msg> WatchAsync(string hash, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (engine.Find(hash) is not { } handle) yield break;
        IAsyncEnumerable<TorrentEvent> events;
        try
        {
            events = handle.Events(cancellationToken);
        }
        catch (TorrentRemovedException)
        {
            yield break;
        }
        await foreach (var e in events.ConfigureAwait(false))
            if (EngineViews.Message(e) is { } msg)
                yield return msg;
    }
}
