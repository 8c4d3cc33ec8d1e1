using Akka.Actor;
using Akka.Hosting;
using Engine.Api;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Engine.Hosting;

/// <summary>
/// Embedding the engine. In a Microsoft.Extensions.Hosting app: <c>services.AddTorrentEngine(configuration)</c>
/// (options from the "TorrentEngine" section) or <c>services.AddTorrentEngine(o => ...)</c>; then inject
/// <see cref="TorrentEngine"/>. In an app that already runs Akka through Akka.Hosting:
/// <c>services.AddAkka("app", b => b.WithTorrentEngine(options))</c>, and get the engine from
/// <see cref="TorrentEngineExtension"/>.
/// </summary>
public static class TorrentEngineHosting
{
    /// <summary>Adds a torrent engine with options read from <paramref name="configuration"/>'s "TorrentEngine" section (or from
    /// <paramref name="configuration"/> itself when it is that section), then adjusted by <paramref name="adjust"/> if given.</summary>
    public static IServiceCollection AddTorrentEngine(this IServiceCollection services, IConfiguration configuration,
        Func<TorrentEngineOptions, TorrentEngineOptions>? adjust = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration is IConfigurationSection { Key: TorrentEngineOptions.SectionName } s ? s : configuration.GetSection(TorrentEngineOptions.SectionName);
        return services.Register(() =>
        {
            var options = TorrentEngineConfiguration.Read(section);
            return adjust is null ? options : adjust(options);
        });
    }

    /// <summary>
    /// Reads <see cref="TorrentEngineOptions"/> from a configuration section (the keys of the "TorrentEngine" section:
    /// <c>ListenOn</c>, <c>StateDirectory</c>, <c>MaxConnectionsPerTorrent</c>, <c>MaxConnections</c>, <c>UploadLimit</c>,
    /// <c>DownloadLimit</c>, <c>DiskBudgetBytes</c>); a missing key keeps the default, a malformed one throws
    /// <see cref="InvalidEngineOptionsException"/> naming it. For apps that read their own configuration files.
    /// </summary>
    public static TorrentEngineOptions ReadOptions(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return TorrentEngineConfiguration.Read(section);
    }

    /// <summary>Adds a torrent engine configured in code: <c>services.AddTorrentEngine(o => o with { StateDirectory = "state" })</c>.</summary>
    public static IServiceCollection AddTorrentEngine(this IServiceCollection services, Func<TorrentEngineOptions, TorrentEngineOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.Register(() => configure(new TorrentEngineOptions()));
    }

    private static IServiceCollection Register(this IServiceCollection services, Func<TorrentEngineOptions> options)
    {
        services.AddSingleton(sp => new TorrentEngineService(options(), sp.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
        services.AddHostedService(sp => sp.GetRequiredService<TorrentEngineService>());
        services.AddSingleton(sp => sp.GetRequiredService<TorrentEngineService>().Engine);
        return services;
    }

    /// <summary>
    /// Attaches a torrent engine to the ActorSystem Akka.Hosting starts: it starts with the system, is reachable through
    /// <see cref="TorrentEngineExtension"/> (its root actor is also in the <see cref="ActorRegistry"/> under
    /// <see cref="TorrentEngine"/>), and stops — bounded — in the system's coordinated shutdown, before the actors go.
    /// </summary>
    public static AkkaConfigurationBuilder WithTorrentEngine(this AkkaConfigurationBuilder builder, TorrentEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return builder.WithActors((system, registry) =>
        {
            var extension = TorrentEngineExtension.Get(system);
            TorrentEngine engine;
            try { engine = TorrentEngine.Attach(system, options); }
            catch (Exception e)
            {
                extension.Failed(e);
                throw;
            }
            registry.Register<TorrentEngine>(engine.Root);
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceStop, "stop-torrent-engine", async () =>
            {
                await engine.StopAsync().ConfigureAwait(false);
                return Akka.Done.Instance;
            });
            extension.Started(engine);
        });
    }

    /// <summary><see cref="WithTorrentEngine(AkkaConfigurationBuilder, TorrentEngineOptions)"/> with options built in code.</summary>
    public static AkkaConfigurationBuilder WithTorrentEngine(this AkkaConfigurationBuilder builder, Func<TorrentEngineOptions, TorrentEngineOptions> configure)
        => builder.WithTorrentEngine(configure(new TorrentEngineOptions()));
}
