using System.Net;
using Engine.Api;
using Engine.Events;
using Microsoft.Extensions.Options;

namespace WorkerSample;

/// <summary>Adds the configured torrent on start, logs its progress from the engine's events, and (optionally) stops the host when it is complete.</summary>
public sealed class DownloadWorker(TorrentEngine engine, IOptions<DownloadSettings> settings, IHostApplicationLifetime lifetime, ILogger<DownloadWorker> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var s = settings.Value;
        if (string.IsNullOrWhiteSpace(s.Source))
        {
            log.LogError("nothing to download: set Download:Source to a .torrent path or a magnet link");
            lifetime.StopApplication();
            return;
        }
        TorrentHandle torrent;
        try { torrent = await engine.AddAsync(s.Source, s.SaveDirectory, ct: stoppingToken); }
        catch (TorrentEngineException e)
        {
            log.LogError("cannot add {Source}: {Reason}", s.Source, e.Message);
            lifetime.StopApplication();
            return;
        }
        log.LogInformation("added {Name} ({InfoHash}) into {Directory}", torrent.Name, torrent.InfoHash, torrent.SaveDirectory);
        if (s.Peers is { Length: > 0 })
            torrent.AddPeers(s.Peers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(IPEndPoint.Parse));

        using var ticker = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var progress = Task.Run(async () =>
        {
            while (await ticker.WaitForNextTickAsync(stoppingToken))
            {
                var st = await torrent.GetStatusAsync();
                log.LogInformation("{Name}: {State} {Progress:P1}, {Peers} peers, down {Rate:F0} KiB/s", st.Name, st.State, st.Progress, st.Peers, st.DownloadRate / 1024);
            }
        }, stoppingToken);

        try
        {
            await foreach (var e in torrent.Events(stoppingToken))
            {
                switch (e)
                {
                    case MetadataReceived m:
                        log.LogInformation("metadata received: {Name}", m.Name);
                        break;
                    case PeerConnected p:
                        log.LogInformation("peer {EndPoint} connected ({Client})", p.EndPoint, p.Client ?? "unknown client");
                        break;
                    case Failed f:
                        log.LogError("download failed: {Reason}", f.Reason);
                        lifetime.StopApplication();
                        return;
                    case Completed:
                        log.LogInformation("download complete: {Name} in {Directory}", torrent.Name, torrent.SaveDirectory);
                        if (s.ExitWhenDone)
                        {
                            lifetime.StopApplication();
                            return;
                        }
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally
        {
            try { await progress; } catch (OperationCanceledException) { }
        }
    }
}
