using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Engine.Host.Web.Runtime;
using Engine.Host.Web.Ui;

namespace Engine.Tests.Web;

/// <summary>Effects without an engine: answers commands from a script and lets tests push engine events.</summary>
internal sealed class FakeEffects : IUiEffects
{
    private readonly ConcurrentDictionary<string, Channel<Msg>> _streams = new();

    public ConcurrentQueue<Cmd> Ran { get; } = new();

    public ImmutableList<TorrentRow> Torrents { get; set; } = [];

    public EngineSettings Settings { get; set; } = new(null, null, "/data", "127.0.0.1:6881", []);

    /// <summary>Delay of every command (to see overlapping polls).</summary>
    public TimeSpan Latency { get; set; }

    public Func<Cmd, Msg>? Answer { get; set; }

    public async Task<Msg> RunAsync(Cmd cmd, CancellationToken cancellationToken)
    {
        Ran.Enqueue(cmd);
        if (Latency > TimeSpan.Zero) await Task.Delay(Latency, cancellationToken);
        if (Answer?.Invoke(cmd) is { } answer) return answer;
        return cmd switch
        {
            Cmd.LoadTorrents => new Msg.TorrentsLoaded(Torrents),
            Cmd.LoadDetails d => new Msg.DetailsLoaded(UiSamples.Details(d.Hash)),
            Cmd.Pause p => new Msg.ActionSucceeded(p.Hash, TorrentAction.Pause),
            Cmd.Resume r => new Msg.ActionSucceeded(r.Hash, TorrentAction.Resume),
            Cmd.Remove r => Removed(r),
            Cmd.AddTorrent => new Msg.AddFailed("the fake engine adds nothing"),
            Cmd.LoadSettings => new Msg.SettingsLoaded(Settings),
            Cmd.SaveSettings s => new Msg.SettingsSaved(Settings = Settings with { UploadLimit = s.UploadLimit, DownloadLimit = s.DownloadLimit, DefaultSaveDirectory = s.DefaultSaveDirectory }),
            Cmd.SetTorrentLimits l => new Msg.ActionSucceeded(l.Hash, TorrentAction.SetLimits),
            Cmd.SetFilePriority f => new Msg.ActionSucceeded(f.Hash, TorrentAction.SetFilePriority),
            _ => throw new InvalidOperationException("unexpected " + cmd),
        };
    }

    /// <summary>As the engine does: a removed torrent is gone from the next listing.</summary>
    private Msg Removed(Cmd.Remove r)
    {
        Torrents = Torrents.RemoveAll(t => t.Hash == r.Hash);
        return new Msg.TorrentRemoved(r.Hash, r.DeleteData);
    }

    /// <summary>Hashes currently watched.</summary>
    public IReadOnlyCollection<string> Watched => _streams.Keys.ToArray();

    public void Emit(string hash, Msg msg) => _streams[hash].Writer.TryWrite(msg);

    public async IAsyncEnumerable<Msg> WatchAsync(string hash, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<Msg>();
        _streams[hash] = channel;
        try
        {
            await foreach (var msg in channel.Reader.ReadAllAsync(cancellationToken))
                yield return msg;
        }
        finally
        {
            _streams.TryRemove(hash, out _);
        }
    }
}
