using Engine.Api;
using Engine.Host.Commands;
using Engine.Host.State;
using Engine.Hosting;
using Microsoft.Extensions.Configuration;

namespace Engine.Host.Cli;

/// <summary>
/// What a command starts from before its own options: the engine options of the <c>--config</c> file (the keys of
/// <see cref="TorrentEngineOptions"/>, at the top level or under "TorrentEngine"), its "TrackerCluster" and
/// "ClusterDiscovery" sections and where the host keeps its state.
/// </summary>
/// <param name="Engine">The file's options (the defaults without a file); <see cref="TorrentEngineOptions.StateDirectory"/> is the host's resume directory.</param>
/// <param name="ConfiguredKeys">The keys the file set: an option the command line does not give keeps the file's value.</param>
public sealed record HostSettings(TorrentEngineOptions Engine, IReadOnlySet<string> ConfiguredKeys, HostState State)
{
    public bool Configured(string key) => ConfiguredKeys.Contains(key);

    /// <summary>The file's "TrackerCluster" section (the defaults of <c>tracker</c>'s cluster options), or null.</summary>
    public TrackerClusterSettings? TrackerCluster { get; init; }

    /// <summary>The file's "ClusterDiscovery" section (how <c>node</c> and a <c>tracker</c> cluster node find the others), or null.</summary>
    public ClusterDiscoverySettings? ClusterDiscovery { get; init; }

    public static HostSettings Load(string? configFile, string? stateDir)
    {
        var engine = new TorrentEngineOptions();
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        TrackerClusterSettings? trackerCluster = null;
        ClusterDiscoverySettings? clusterDiscovery = null;
        if (configFile is not null)
        {
            var full = Path.GetFullPath(configFile);
            if (Directory.Exists(full)) throw new CommandLineException($"--config {configFile} is a directory; give a JSON file");
            if (!File.Exists(full)) throw new CommandLineException($"--config {configFile}: no such file");
            IConfigurationRoot config;
            try { config = new ConfigurationBuilder().AddJsonFile(full, optional: false, reloadOnChange: false).Build(); }
            catch (Exception e) when (e is FormatException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                throw new CommandLineException($"--config {configFile}: {(e.InnerException ?? e).Message}");
            }
            IConfiguration section = config.GetSection(TorrentEngineOptions.SectionName).Exists() ? config.GetSection(TorrentEngineOptions.SectionName) : config;
            foreach (var child in section.GetChildren()) keys.Add(child.Key);
            trackerCluster = TrackerClusterSettings.Read(config, configFile);
            clusterDiscovery = ClusterDiscoverySettings.Read(config, configFile);
            try { engine = TorrentEngineHosting.ReadOptions(section); }
            catch (InvalidEngineOptionsException e) { throw new CommandLineException($"--config {configFile}: {e.Message}"); }
        }
        var state = HostState.Resolve(stateDir ?? (keys.Contains(nameof(TorrentEngineOptions.StateDirectory)) ? engine.StateDirectory : null));
        return new HostSettings(engine with { StateDirectory = state.ResumeDirectory }, keys, state) { TrackerCluster = trackerCluster, ClusterDiscovery = clusterDiscovery };
    }
}
