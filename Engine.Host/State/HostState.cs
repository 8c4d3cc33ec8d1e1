using System.Security.Cryptography;
using System.Text;

namespace Engine.Host.State;

/// <summary>
/// Where the host keeps what it remembers, out of the user's data directories (as other clients do): by default
/// <c>$XDG_STATE_HOME/engine-host</c>, else <c>~/.local/state/engine-host</c>. Under it: <c>resume/</c> (the engine's
/// fast-resume records and fetched magnet metadata, keyed by info-hash), <c>sessions/&lt;key&gt;/</c> (the torrents a web
/// UI was given, one session per data directory) and <c>shares/&lt;key&gt;/</c> (a shared directory's index), where the key
/// names the directory and a hash of its full path.
/// </summary>
public sealed record HostState(string Root)
{
    /// <summary>The environment variable that overrides the default root (the XDG base directory specification's).</summary>
    public const string XdgStateHome = "XDG_STATE_HOME";

    public string ResumeDirectory => Path.Combine(Root, "resume");

    /// <summary>The web session of the torrents saved by default into <paramref name="dataDirectory"/>.</summary>
    public string SessionDirectory(string dataDirectory) => Path.Combine(Root, "sessions", Key(dataDirectory));

    /// <summary>The state of the shared directory <paramref name="directory"/>.</summary>
    public string ShareDirectory(string directory) => Path.Combine(Root, "shares", Key(directory));

    /// <summary>The root from <c>--state-dir</c> (or the config file), else the XDG default.</summary>
    public static HostState Resolve(string? given)
    {
        if (!string.IsNullOrWhiteSpace(given)) return new HostState(Path.GetFullPath(given));
        var xdg = Environment.GetEnvironmentVariable(XdgStateHome);
        var baseDir = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return new HostState(Path.Combine(baseDir, "engine-host"));
    }

    /// <summary><c>&lt;name&gt;-&lt;12 hex digits of SHA-256(full path)&gt;</c>: readable, and unique per directory.</summary>
    internal static string Key(string directory)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..12];
        var name = Path.GetFileName(full);
        var safe = new string(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').Take(40).ToArray());
        return safe.Length == 0 ? hash : safe + "-" + hash;
    }
}
