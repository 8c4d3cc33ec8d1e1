// A download through the Engine package alone, as docs/api.md shows it: one engine seeds generated data, a second one
// (with a session) downloads it from the first over 127.0.0.1 and reports Progress events; the bytes are compared.
using System.Net;
using Engine.Api;
using Engine.Events;
using Engine.Metainfo;

var root = args.Length > 0 ? args[0] : Directory.CreateTempSubdirectory("package-consumer-").FullName;
var payload = Path.Combine(root, "seed", "payload");
Directory.CreateDirectory(payload);
var bytes = new byte[3 * 1024 * 1024 + 12345];
new Random(7).NextBytes(bytes);
File.WriteAllBytes(Path.Combine(payload, "data.bin"), bytes);
var torrent = TorrentCreator.Create(payload);

await using var seeder = TorrentEngine.Create(new TorrentEngineOptions
{
    ListenOn = new IPEndPoint(IPAddress.Loopback, 0),
    StateDirectory = Path.Combine(root, "seeder-state"),
});
var seeding = await seeder.AddAsync(torrent, Path.Combine(root, "seed"));
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
await foreach (var e in seeding.Events(timeout.Token))
    if (e is Completed) break;

await using var leecher = TorrentEngine.Create(new TorrentEngineOptions
{
    ListenOn = new IPEndPoint(IPAddress.Loopback, 0),
    StateDirectory = Path.Combine(root, "leecher-state"),
    Session = true,
});
var download = await leecher.AddAsync(torrent, Path.Combine(root, "download"));
download.AddPeers([seeder.ListenEndPoint!]);
var progressEvents = 0;
await foreach (var e in download.Events(timeout.Token))
{
    if (e is Progress) progressEvents++;
    if (e is Completed) break;
    if (e is Failed f) throw new InvalidOperationException(f.Reason);
}
var received = File.ReadAllBytes(Path.Combine(root, "download", "payload", "data.bin"));
if (!received.AsSpan().SequenceEqual(bytes)) throw new InvalidOperationException("the downloaded data differs");
Console.WriteLine($"package consumer: downloaded {received.Length} bytes from {seeder.ListenEndPoint}, identical; {progressEvents} Progress events");
