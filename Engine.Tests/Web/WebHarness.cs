using System.Net;
using Engine.Api;
using Engine.Core.Metainfo;
using Engine.Host.Web;
using Engine.Metainfo;
using Engine.Tests.Interop;

namespace Engine.Tests.Web;

/// <summary>A real engine (peers on 127.0.0.1, state in a temp dir) with the web server in front of it.</summary>
internal sealed class WebHarness : IAsyncDisposable
{
    private readonly bool _ownsDir;

    private WebHarness(TempDir dir, bool ownsDir, TorrentEngine engine, WebServer server)
    {
        Dir = dir;
        _ownsDir = ownsDir;
        Engine = engine;
        Server = server;
        Http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public TempDir Dir { get; }
    public TorrentEngine Engine { get; }
    public WebServer Server { get; }
    public HttpClient Http { get; }

    /// <summary>The web's data directory (default save directory).</summary>
    public string Data => Dir.Sub("data");

    /// <summary>Starts in a new temp dir, or in <paramref name="existing"/> (kept on dispose: a restart). <paramref name="session"/>: the engine remembers its torrents (in &lt;dir&gt;/session).</summary>
    public static async Task<WebHarness> StartAsync(TempDir? existing = null, bool session = false)
    {
        var dir = existing ?? new TempDir("web");
        var engine = TorrentEngine.Create(new TorrentEngineOptions
        {
            ListenOn = new IPEndPoint(IPAddress.Loopback, 0),
            StateDirectory = dir.Sub("state"),
            Dht = false, // the DHT has tests of its own; here it would only resolve the public routers
            Lsd = false,
            Session = session,
            SessionDirectory = session ? Path.Combine(dir, "session") : null,
        });
        try
        {
            var options = new WebOptions(IPAddress.Loopback, 0, dir.Sub("data"));
            var server = await WebServer.StartAsync(engine, options);
            return new WebHarness(dir, existing is null, engine, server);
        }
        catch
        {
            await engine.DisposeAsync();
            if (existing is null) dir.Dispose();
            throw;
        }
    }

    /// <summary>Writes <paramref name="bytes"/> of test data named <paramref name="name"/> into the data directory and returns its .torrent (made by our creator).</summary>
    public (byte[] Torrent, TorrentMetainfo Metainfo) CreateSeedable(string name, long bytes, int seed = 1)
    {
        var set = TestData.CreateTree(Data, name, bytes, seed, fileCount: 3);
        var torrent = TorrentCreator.Create(set.Root, new TorrentCreationOptions { PieceLength = 32 * 1024 });
        return (torrent, TorrentMetainfo.Parse(torrent));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        await Engine.DisposeAsync();
        if (_ownsDir) Dir.Dispose();
    }
}
