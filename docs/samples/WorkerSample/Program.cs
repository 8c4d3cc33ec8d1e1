using Engine.Hosting;
using WorkerSample;

// A worker service that downloads one torrent when it starts.
//   dotnet run --project docs/samples/WorkerSample -- --Download:Source=<file.torrent|magnet> --Download:SaveDirectory=downloads
// Settings come from appsettings.json, environment variables (TorrentEngine__StateDirectory=...) and the command line.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddTorrentEngine(builder.Configuration);   // the "TorrentEngine" section
builder.Services.Configure<DownloadSettings>(builder.Configuration.GetSection("Download"));
builder.Services.AddHostedService<DownloadWorker>();
builder.Build().Run();
