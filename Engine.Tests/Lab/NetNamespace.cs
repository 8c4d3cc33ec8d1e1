namespace Engine.Tests.Lab;

/// <summary>
/// A network namespace of the test's own (root): only its loopback, up, so 127.0.0.0/8 inside is a network no other test
/// or program on the machine shares. Programs run in it through <see cref="Interop.ProcessSpec.NetNamespace"/>
/// (<c>ip netns exec</c>). Deleted on dispose, after the test has ended what it started in it; namespaces that an
/// earlier, killed test run left behind (their creator's PID is gone) are deleted when a new one is made.
/// </summary>
public sealed class NetNamespace : IDisposable
{
    /// <summary>How every namespace the tests make begins: then the creating process's PID.</summary>
    internal const string Prefix = "engtest-";

    private NetNamespace(string name) => Name = name;

    public string Name { get; }

    public static NetNamespace Create()
    {
        RootCommands.Require("a network namespace");
        SweepOrphans();
        var name = $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        var (code, output) = RootCommands.Run("ip", "netns", "add", name);
        if (code != 0) throw new InvalidOperationException($"ip netns add {name}: {output.Trim()}");
        var ns = new NetNamespace(name);
        (code, output) = RootCommands.Run("ip", "-n", name, "link", "set", "lo", "up");
        if (code == 0) return ns;
        ns.Dispose();
        throw new InvalidOperationException($"ip -n {name} link set lo up: {output.Trim()}");
    }

    /// <summary>Deletes namespaces of ours (and their <c>/etc/netns</c> files) whose creating test process no longer exists.</summary>
    internal static void SweepOrphans()
    {
        foreach (var line in RootCommands.Run("ip", "netns", "list").Output.Split('\n'))
        {
            var name = line.Split(' ', 2)[0];
            if (!name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            var pid = name[Prefix.Length..].Split('-')[0];
            if (int.TryParse(pid, out var p) && p != Environment.ProcessId && !Directory.Exists($"/proc/{p}"))
                RootCommands.Run("ip", "netns", "delete", name);
        }
        if (!Directory.Exists("/etc/netns")) return;
        foreach (var dir in Directory.GetDirectories("/etc/netns", Prefix + "*"))
        {
            var pid = Path.GetFileName(dir)[Prefix.Length..].Split('-')[0];
            if (int.TryParse(pid, out var p) && p != Environment.ProcessId && !Directory.Exists($"/proc/{p}"))
                try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Gives the namespace's loopback one more address (<c>fd77::2</c>, <c>127.0.0.9</c>), usable at once.</summary>
    public void AddAddress(System.Net.IPAddress address)
    {
        var v6 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        string[] args = v6 ? ["-n", Name, "-6", "addr", "add", $"{address}/128", "dev", "lo", "nodad"] : ["-n", Name, "addr", "add", $"{address}/32", "dev", "lo"];
        var (code, output) = RootCommands.Run("ip", args);
        if (code != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)}: {output.Trim()}");
    }

    public void Dispose() => RootCommands.Run("ip", "netns", "delete", Name);
}
