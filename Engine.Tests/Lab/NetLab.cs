using System.Net;

namespace Engine.Tests.Lab;

/// <summary>
/// A small Internet of network namespaces (root): a "public" network (a bridge in a namespace of its own, 11.77.0.0/24 —
/// a public range, so that miniupnpd agrees to forward to it; nothing leaves the namespaces —
/// and fd77::/64) with hosts on it — dual-stack, or IPv6 only — and hosts on private LANs behind NAT routers (nftables masquerade in the router's namespace, so the
/// public side sees the router's address and cannot dial in; a firewall drops what the router did not ask for, as a home router's does). Programs run in a host through
/// <see cref="Interop.ProcessSpec.NetNamespace"/>. Everything is deleted on dispose, even after a failure; a run that
/// was killed leaves namespaces named after its PID, which the next lab or <see cref="NetNamespace"/> sweeps.
/// </summary>
public sealed class NetLab : IDisposable
{
    private readonly string _prefix;
    private readonly List<string> _namespaces = new();
    private readonly List<Interop.ExternalProcess> _daemons = new();
    private readonly List<string> _files = new();
    private readonly string _public;
    private int _nextPublic = 2, _nextPort, _nextLan;

    private NetLab()
    {
        _prefix = $"{NetNamespace.Prefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        _public = $"{_prefix}-pub";
    }

    public static NetLab Create()
    {
        RootCommands.Require("a network lab (namespaces, veth, bridges, nftables)");
        if (RootCommands.Run("sh", "-c", "command -v nft").Code != 0)
            throw new InvalidOperationException("the network lab needs nft: apt-get install nftables (run-tests.sh does)");
        NetNamespace.SweepOrphans();
        var lab = new NetLab();
        try
        {
            lab.Namespace("pub");
            Ip(lab._public, "link", "add", "br0", "type", "bridge");
            Ip(lab._public, "link", "set", "br0", "up");
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    /// <summary>A host on the public network at the next free 11.77.0.x and fd77::x, or (<paramref name="ipv4"/> false) at fd77::x only.</summary>
    public LabHost AddHost(string name, bool ipv4 = true)
    {
        var ns = Namespace(name);
        var n = _nextPublic++;
        var v4 = IPAddress.Parse($"11.77.0.{n}");
        var v6 = IPAddress.Parse($"fd77::{n:x}");
        Plug(ns, "eth0", ipv4 ? v4 : null);
        Ip(ns, "-6", "addr", "add", $"{v6}/64", "dev", "eth0", "nodad"); // usable at once (no duplicate detection wait)
        return new LabHost(name, ns, ipv4 ? v4 : v6) { Address6 = v6 };
    }

    /// <summary>
    /// A host alone on a private LAN (192.168.n.2) behind a NAT router whose public side is the next 11.77.0.x.
    /// <see cref="NatKind.PortPreserving"/> keeps a connection's source port when it can (the common home router);
    /// <see cref="NatKind.Symmetric"/> picks a random port for every new destination (the hard case for hole punching).
    /// </summary>
    /// <param name="portMapping">The router also runs miniupnpd (UPnP IGD and, with <paramref name="natPmp"/>, NAT-PMP, for hosts on its LAN).</param>
    /// <param name="natPmp">miniupnpd answers NAT-PMP too; false leaves UPnP alone (port 5351 closed: NAT-PMP requests meet ICMP port unreachable).</param>
    public LabHost AddHostBehindNat(string name, NatKind kind = NatKind.PortPreserving, bool portMapping = false, bool natPmp = true)
    {
        var router = Namespace(name + "-nat");
        var wan = IPAddress.Parse($"11.77.0.{_nextPublic++}");
        Plug(router, "wan", wan);
        var lan = ++_nextLan;
        var ns = Namespace(name);
        Run("ip", "link", "add", "lan", "netns", router, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Ip(router, "addr", "add", $"192.168.{lan}.1/24", "dev", "lan");
        Ip(router, "link", "set", "lan", "up");
        var address = IPAddress.Parse($"192.168.{lan}.2");
        Ip(ns, "addr", "add", $"{address}/24", "dev", "eth0");
        Ip(ns, "link", "set", "eth0", "up");
        Ip(ns, "route", "add", "default", "via", $"192.168.{lan}.1");
        Run("ip", "netns", "exec", router, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        var masquerade = kind == NatKind.Symmetric ? "masquerade fully-random" : "masquerade";
        Nft(router, WanFirewall);
        if (!portMapping)
        {
            Nft(router, $"table ip nat {{\n  chain postrouting {{\n    type nat hook postrouting priority srcnat;\n    oifname \"wan\" {masquerade}\n  }}\n}}\n");
            return new LabHost(name, ns, address) { PublicAddress = wan };
        }
        // miniupnpd 2.3 (nftables) adds its rules to chains of "table inet filter": the forward chain's "miniupnpd" and
        // the NAT chains "prerouting_miniupnpd" / "postrouting_miniupnpd", which these hooks jump to.
        Nft(router, "table inet filter {\n" +
            "  chain forward { type filter hook forward priority 0; policy accept; jump miniupnpd; }\n  chain miniupnpd { }\n" +
            "  chain prerouting { type nat hook prerouting priority -100; policy accept; jump prerouting_miniupnpd; }\n" +
            $"  chain postrouting {{ type nat hook postrouting priority 100; policy accept; oifname \"wan\" {masquerade}; jump postrouting_miniupnpd; }}\n" +
            "  chain prerouting_miniupnpd { }\n  chain postrouting_miniupnpd { }\n}\n");
        StartMiniupnpd(router, lan, natPmp);
        return new LabHost(name, ns, address) { PublicAddress = wan, Router = router };
    }

    /// <summary>
    /// A home router's firewall on its public side: what comes in on "wan" passes only as part of a connection the
    /// router knows (a reply to what went out, or an ICMP error about it) or to a port forward (DNAT, what miniupnpd
    /// adds); everything else is dropped, also what is addressed to the router itself. Dropped in a hook, an unsolicited
    /// packet's conntrack entry is never confirmed: it leaves nothing behind. Without the input rule an unsolicited UDP
    /// datagram to the router's public port would leave an entry (the router answers it with port unreachable), and
    /// masquerade would then move the router's own host's datagram to the same peer to another port — the two SYNs of a
    /// hole punch crossing between two routers would each spoil the other's mapping (docs/decisions.md, "Hole punching").
    /// </summary>
    private const string WanFirewall = "table inet wan_firewall {\n" +
        "  chain input {\n    type filter hook input priority filter; policy accept;\n" +
        "    iifname \"wan\" ct state established,related accept\n    iifname \"wan\" counter drop\n  }\n" +
        "  chain forward {\n    type filter hook forward priority filter; policy accept;\n" +
        "    iifname \"wan\" ct state established,related accept\n    iifname \"wan\" ct status dnat accept\n    iifname \"wan\" counter drop\n  }\n}\n";

    /// <summary>The forwards miniupnpd has made on <paramref name="host"/>'s router (the nft rules naming a port).</summary>
    public string PortForwards(LabHost host) =>
        RootCommands.Run("ip", "netns", "exec", host.Router ?? throw new InvalidOperationException($"{host.Name} has no router"), "nft", "list", "chain", "inet", "filter", "prerouting_miniupnpd").Output;

    /// <summary>
    /// A neighbour on <paramref name="host"/>'s LAN (a second address, 192.168.n.3) takes the router's external TCP
    /// <paramref name="port"/> with UPnP (a permanent AddPortMapping, posted by python3 from that address), as another
    /// machine's client would: the host's own request for that port then meets error 718, ConflictInMappingEntry.
    /// </summary>
    public void TakeRouterPort(LabHost host, int port)
    {
        var bytes = host.Address.GetAddressBytes();
        bytes[3] = 3;
        var neighbour = new IPAddress(bytes);
        bytes[3] = 1;
        var router = new IPAddress(bytes);
        Ip(host.Namespace, "addr", "add", $"{neighbour}/24", "dev", "eth0");
        var request = Engine.Core.PortMapping.UpnpSoap.AddPortMapping("urn:schemas-upnp-org:service:WANIPConnection:1", port, tcp: true, port, neighbour, "neighbour", TimeSpan.Zero);
        var dir = Directory.CreateTempSubdirectory("upnp-request-").FullName;
        _files.Add(dir);
        var body = Path.Combine(dir, "body.xml");
        File.WriteAllText(body, request.Body);
        const string post = "import http.client, sys\n" +
            "c = http.client.HTTPConnection(sys.argv[1], int(sys.argv[2]), timeout=5, source_address=(sys.argv[3], 0))\n" +
            "c.request('POST', '/ctl/IPConn', open(sys.argv[4], 'rb').read(), {'Content-Type': 'text/xml', 'SOAPAction': sys.argv[5]})\n" +
            "print(c.getresponse().status)\n";
        var (code, output) = RootCommands.Run("ip", "netns", "exec", host.Namespace, "python3", "-c", post,
            router.ToString(), MiniupnpdHttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), neighbour.ToString(), body, request.SoapAction);
        if (code != 0 || output.Trim() != "200") throw new InvalidOperationException($"the neighbour's AddPortMapping failed ({code}): {output}");
    }

    private const int MiniupnpdHttpPort = 5000;

    private void StartMiniupnpd(string router, int lan, bool natPmp)
    {
        var program = Interop.RequiredPrograms.Find("miniupnpd", "miniupnpd-nftables");
        var dir = Directory.CreateTempSubdirectory("miniupnpd-").FullName;
        _files.Add(dir);
        var config = Path.Combine(dir, "miniupnpd.conf");
        File.WriteAllText(config, $"ext_ifname=wan\nlistening_ip=lan\nenable_natpmp={(natPmp ? "yes" : "no")}\nenable_upnp=yes\nsecure_mode=yes\n" +
            $"http_port={MiniupnpdHttpPort}\nuuid={Guid.NewGuid()}\nallow 1024-65535 192.168.{lan}.0/24 1024-65535\ndeny 0-65535 0.0.0.0/0 0-65535\n");
        var daemon = Interop.ExternalProcess.Start(new Interop.ProcessSpec(program, ["-f", config, "-d", "-P", Path.Combine(dir, "miniupnpd.pid")])
        {
            Name = "miniupnpd " + router,
            NetNamespace = router,
            MaxLifetime = TimeSpan.FromMinutes(5),
        });
        _daemons.Add(daemon);
        Thread.Sleep(300); // its sockets (SSDP, NAT-PMP on 5351) are bound within a few ms of starting
    }

    /// <summary>
    /// Limits what <paramref name="host"/> sends to the public network to <paramref name="kbitPerSecond"/> (a tc token
    /// bucket on its public interface: its own, or its NAT router's). netem does not exist in this kernel: no latency here.
    /// </summary>
    public void Shape(LabHost host, int kbitPerSecond)
    {
        var (ns, dev) = host.BehindNat ? (RouterOf(host), "wan") : (host.Namespace, "eth0");
        RootCommands.Run("ip", "netns", "exec", ns, "tc", "qdisc", "del", "dev", dev, "root");
        Run("ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", dev, "root", "tbf", "rate", $"{kbitPerSecond}kbit", "burst", "32kbit", "latency", "400ms");
    }

    /// <summary>
    /// Counts what comes in to <paramref name="host"/>'s LAN (behind NAT) from <paramref name="source"/>: an nftables counter
    /// in its router's forward hook, before the WAN firewall, of every packet from that address forwarded in from the public
    /// side. <see cref="CountedBytes"/> reads it: a test's proof that data came straight from a peer's address.
    /// </summary>
    public void CountFrom(LabHost host, IPAddress source) => Nft(RouterOf(host), $"table inet {CountTable} {{\n" +
        $"  chain forward {{ type filter hook forward priority -10; policy accept; iifname \"wan\" ip saddr {source} counter; }}\n}}\n");

    /// <summary>The bytes <see cref="CountFrom"/>'s counter has seen so far (IP packets, headers included).</summary>
    public long CountedBytes(LabHost host)
    {
        var (code, listing) = RootCommands.Run("ip", "netns", "exec", RouterOf(host), "nft", "list", "chain", "inet", CountTable, "forward");
        var match = System.Text.RegularExpressions.Regex.Match(listing, @"counter packets \d+ bytes (\d+)");
        if (code != 0 || !match.Success) throw new InvalidOperationException($"no counter on {host.Name}'s router: {listing}");
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private const string CountTable = "lab_count";

    private string RouterOf(LabHost host) => host.BehindNat
        ? _namespaces.Single(n => n.EndsWith("-" + host.Name + "-nat", StringComparison.Ordinal))
        : throw new InvalidOperationException($"{host.Name} is not behind NAT");

    /// <summary>
    /// Narrows the LAN of <paramref name="host"/> (behind NAT) to an MTU of <paramref name="mtu"/> bytes, as a tunnel or
    /// PPPoE link does: its router's LAN side and the host's interface. A datagram from the public side larger than that
    /// with DF set is dropped by the router, which answers with ICMP "fragmentation needed". Also counts the IP
    /// fragments reaching the host (before its own reassembly), read with <see cref="CountedFragments"/>.
    /// </summary>
    public void NarrowLan(LabHost host, int mtu)
    {
        var mtuText = mtu.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Ip(RouterOf(host), "link", "set", "lan", "mtu", mtuText);
        Ip(host.Namespace, "link", "set", "eth0", "mtu", mtuText);
        Nft(host.Namespace, $"table ip {FragmentTable} {{\n" +
            "  chain prerouting { type filter hook prerouting priority -450; policy accept; ip frag-off & 0x3fff != 0 counter; }\n}\n");
    }

    /// <summary>IP fragments <see cref="NarrowLan"/>'s counter has seen arrive at the host so far.</summary>
    public long CountedFragments(LabHost host)
    {
        var (code, listing) = RootCommands.Run("ip", "netns", "exec", host.Namespace, "nft", "list", "chain", "ip", FragmentTable, "prerouting");
        var match = System.Text.RegularExpressions.Regex.Match(listing, @"counter packets (\d+)");
        if (code != 0 || !match.Success) throw new InvalidOperationException($"no fragment counter on {host.Name}: {listing}");
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private const string FragmentTable = "lab_fragments";

    /// <summary>
    /// Makes <paramref name="host"/> lose <paramref name="perMille"/> of the UDP datagrams that reach it from the public
    /// network, at random (nftables in its namespace, on arrival: a drop on the way out would make the sender's own
    /// <c>sendto</c> fail with EPERM, which no real network does). Lossy uTP without touching TCP.
    /// </summary>
    public void LoseUdp(LabHost host, int perMille) => Nft(host.Namespace, $"table inet lab_loss {{\n" +
        $"  chain input {{ type filter hook input priority filter; policy accept; iifname \"eth0\" meta l4proto udp numgen random mod 1000 < {perMille} drop; }}\n}}\n");

    /// <summary>
    /// Cuts <paramref name="host"/> off the public network, both ways (nftables in its namespace drops everything in and
    /// out on its public interface; its loopback keeps working): a network partition with the host on the minority side.
    /// Its TCP connections are not reset, they just stop carrying anything, as when a switch port dies.
    /// </summary>
    public void Cut(LabHost host) => Nft(host.Namespace, $"table inet {CutTable} {{\n" +
        "  chain input { type filter hook input priority filter; policy accept; iifname \"eth0\" drop; }\n" +
        "  chain output { type filter hook output priority filter; policy accept; oifname \"eth0\" drop; }\n}\n");

    /// <summary>Undoes <see cref="Cut"/>: the host is on the public network again.</summary>
    public void Heal(LabHost host) => Run("ip", "netns", "exec", host.Namespace, "nft", "delete", "table", "inet", CutTable);

    private const string CutTable = "lab_cut";

    /// <summary>
    /// Gives <paramref name="host"/> a name server that never answers: programs run in it (<c>ip netns exec</c> puts
    /// <c>/etc/netns/&lt;namespace&gt;/resolv.conf</c> over <c>/etc/resolv.conf</c>) ask 127.0.0.53, whose queries its
    /// nftables drops on arrival, and wait <paramref name="timeoutSeconds"/> for each name (glibc's longest is 30).
    /// </summary>
    public void DeafResolver(LabHost host, int timeoutSeconds = 30)
    {
        var dir = $"/etc/netns/{host.Namespace}";
        Directory.CreateDirectory(dir);
        _files.Add(dir);
        File.WriteAllText(Path.Combine(dir, "resolv.conf"), $"nameserver 127.0.0.53\noptions timeout:{timeoutSeconds} attempts:1\n");
        Nft(host.Namespace, "table inet lab_deaf_dns {\n" +
            "  chain input { type filter hook input priority filter; policy accept; udp dport 53 drop; tcp dport 53 drop; }\n}\n");
    }

    public void Dispose()
    {
        foreach (var d in _daemons) d.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var dir in _files)
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
        for (var i = _namespaces.Count - 1; i >= 0; i--) RootCommands.Run("ip", "netns", "delete", _namespaces[i]);
    }

    /// <summary>A veth from <paramref name="ns"/>'s <paramref name="inside"/> to a port of the public bridge, up, with <paramref name="address"/> when given.</summary>
    private void Plug(string ns, string inside, IPAddress? address)
    {
        var port = $"p{++_nextPort}";
        Run("ip", "link", "add", inside, "netns", ns, "type", "veth", "peer", "name", port, "netns", _public);
        Ip(_public, "link", "set", port, "master", "br0", "up");
        if (address is not null) Ip(ns, "addr", "add", $"{address}/24", "dev", inside);
        Ip(ns, "link", "set", inside, "up");
    }

    private string Namespace(string role)
    {
        var name = $"{_prefix}-{role}";
        Run("ip", "netns", "add", name);
        _namespaces.Add(name);
        Ip(name, "link", "set", "lo", "up");
        return name;
    }

    private static void Ip(string ns, params string[] args) => Run(["ip", "-n", ns, .. args]);

    private static void Nft(string ns, string rules)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, rules);
            Run("ip", "netns", "exec", ns, "nft", "-f", file);
        }
        finally { File.Delete(file); }
    }

    private static void Run(params string[] command)
    {
        var (code, output) = RootCommands.Run(command[0], command[1..]);
        if (code != 0) throw new InvalidOperationException($"{string.Join(' ', command)}: {output.Trim()}");
    }
}
