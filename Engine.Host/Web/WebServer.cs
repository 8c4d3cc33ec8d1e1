using Engine.Api;
using Engine.Host.Web.Components;
using Engine.Host.Web.Rest;
using Engine.Host.Web.Runtime;
using Engine.Host.Web.Ui;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace Engine.Host.Web;

/// <summary>
/// The web UI (Blazor Server, interactive server components) and the REST API over one engine, on Kestrel.
/// </summary>
public sealed class WebServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The base address actually listened on, e.g. http://127.0.0.1:8080/.</summary>
    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Serves the UI and the REST API of <paramref name="engine"/>; returns once listening.</summary>
    public static Task<WebServer> StartAsync(TorrentEngine engine, WebOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, services =>
        {
            services.AddSingleton(engine);
            services.AddSingleton<WebEngine>();
            services.AddSingleton<IUiEffects, EngineEffects>();
            Observability.WebObservability.AddTo(services);
        }, app =>
        {
            TorrentApi.Map(app);
            StreamApi.Map(app);
            Observability.WebObservability.Map(app);
        }, cancellationToken);

    /// <summary>
    /// Serves the UI and the REST API of a cluster node: the page lists the cluster's torrents and shows its nodes and
    /// every torrent's replicas; <c>/api/cluster</c> (<see cref="Cluster.ClusterApi"/>) reads and changes the cluster from
    /// this node. The node's own engine serves the details, settings and metrics.
    /// </summary>
    public static Task<WebServer> StartAsync(global::Engine.Cluster.Api.TorrentCluster node, WebOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, services =>
        {
            services.AddSingleton(node);
            services.AddSingleton(node.Engine);
            services.AddSingleton<WebEngine>();
            services.AddSingleton<IUiEffects, Cluster.ClusterEffects>();
            Observability.WebObservability.AddTo(services);
        }, app =>
        {
            Cluster.ClusterApi.Map(app);
            Observability.WebObservability.Map(app);
        }, cancellationToken, model => model with { Cluster = ClusterView.Empty(node.Node) });

    /// <summary>
    /// <see cref="StartAsync(TorrentEngine, WebOptions, CancellationToken)"/>, with a port that cannot be bound reported as one
    /// line naming the option (<paramref name="option"/>) and the address, without Kestrel's stack trace.
    /// </summary>
    public static Task<WebServer> StartOrExplainAsync(TorrentEngine engine, WebOptions options, string option, CancellationToken cancellationToken = default) =>
        ExplainAsync(() => StartAsync(engine, options, cancellationToken), options, option);

    /// <summary>The cluster node's <see cref="StartAsync(global::Engine.Cluster.Api.TorrentCluster, WebOptions, CancellationToken)"/>, a port that cannot be bound reported as one line.</summary>
    public static Task<WebServer> StartOrExplainAsync(global::Engine.Cluster.Api.TorrentCluster node, WebOptions options, string option, CancellationToken cancellationToken = default) =>
        ExplainAsync(() => StartAsync(node, options, cancellationToken), options, option);

    private static async Task<WebServer> ExplainAsync(Func<Task<WebServer>> start, WebOptions options, string option)
    {
        if (Cli.HostBuild.WebUnavailable() is { } unavailable) throw new Commands.CommandLineException(unavailable);
        var where = $"{(options.Bind.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{options.Bind}]" : options.Bind)}:{options.Port}";
        try
        {
            return await start().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            var reason = e.InnerException?.Message ?? e.Message;
            throw new Commands.CommandLineException($"{option}: cannot listen on {where}: {reason.TrimEnd('.')} (another program has the port: choose another, or 0 for any free port)");
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new Commands.CommandLineException($"{option}: cannot listen on {where}: {e.Message} (choose another address or port)");
        }
    }

    /// <summary>Starts listening; the engine services are registered by <paramref name="addEngine"/>.</summary>
    internal static async Task<WebServer> StartAsync(WebOptions options, Action<IServiceCollection> addEngine,
        Action<WebApplication>? mapApi = null, CancellationToken cancellationToken = default, Func<Model, Model>? initial = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(WebServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        // blazor.web.js is a static web asset of the ASP.NET Core framework package: serve it from the build
        // output's manifest in every environment (by default only Development does), published or not.
        builder.WebHost.UseStaticWebAssets();
        builder.WebHost.ConfigureKestrel(k => k.Listen(options.Bind, options.Port));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        // On stderr: stdout is the command's own output (a live display, lines a script reads).
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // Kestrel logs a failed bind with its stack trace before throwing; the caller reports it as one line instead.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);

        builder.Services.AddSingleton(options);
        RestJson.Use(builder.Services);
        addEngine(builder.Services);
        builder.Services.AddScoped(sp => new UiRuntime(
            sp.GetRequiredService<IUiEffects>(),
            (initial ?? (m => m))(Model.Initial(sp.GetService<WebEngine>()?.DefaultSaveDirectory ?? options.DataDirectory)),
            sp.GetRequiredService<ILogger<UiRuntime>>(),
            options.Tick));
        // A closed tab's circuit (and its 1 s poll) is kept for a reconnect for 30 s instead of the default 3 minutes.
        builder.Services.AddRazorComponents().AddInteractiveServerComponents(o => o.DisconnectedCircuitRetentionPeriod = TimeSpan.FromSeconds(30));
        if (options.Password is not null) WebAuth.AddTo(builder.Services);

        var app = builder.Build();
        if (options.Password is { } password) WebAuth.Use(app, password);
        app.UseAntiforgery();
        app.MapStaticAssets();
        EmbeddedAssets.Map(app);
        if (options.Password is { } pw) WebAuth.Map(app, pw);
        mapApi?.Invoke(app);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new WebServer(app, new Uri(bound.EndsWith('/') ? bound : bound + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
