#!/usr/bin/python3
"""Start-up of the published host (issue 20 target 3): ms from execve to the first connection and the first block.

A python3-libtorrent seeder on 127.0.0.1 serves a 1 MiB v1 torrent (16 pieces of 64 KiB); each run starts
`<host> download one.torrent -o <empty dir> --state-dir <empty dir> --bind 127.0.0.1 --peer <seeder>` under
`strace --seccomp-bpf -f -ttt` and reads, relative to the host's execve: `listen` (the peer listener bound), the first
`connect` to the seeder, and the first receive holding a piece message's header (00 00 40 09 07); also the CPU time of the whole run (strace
included: the run downloads the 1 MiB and exits, the same work for every build). Builds alternate
within each round (a variant may also be the same build with environment variables); `--nice` runs the host at nice -20 (root). Prints every run and min / median per build.
`--wire` measures without strace (which slows every traced call and every thread start): `tcpdump` on lo gives the
first SYN to the seeder and the first packet from it long enough to hold a 16 KiB block, relative to the time just
before the host is forked (`listen` is then not measured).

    bench/startup.py --rounds 8 --nice base=/tmp/pub-a/Engine.Host new=/tmp/pub-b/Engine.Host
"""
import argparse, os, re, resource, shutil, statistics, subprocess, sys, tempfile, threading, time

PIECE_HEADER = "\\x00\\x00\\x40\\x09\\x07"


def seeder(root, port):
    import libtorrent as lt
    data = os.path.join(root, "seed")
    os.makedirs(data)
    with open(os.path.join(data, "one.bin"), "wb") as f:
        f.write(os.urandom(1 << 20))
    fs = lt.file_storage()
    lt.add_files(fs, os.path.join(data, "one.bin"))
    ct = lt.create_torrent(fs, 65536, flags=lt.create_torrent.v1_only)
    lt.set_piece_hashes(ct, data)
    torrent = os.path.join(root, "one.torrent")
    with open(torrent, "wb") as f:
        f.write(lt.bencode(ct.generate()))
    ses = lt.session({"listen_interfaces": f"127.0.0.1:{port}", "enable_dht": False, "enable_lsd": False,
                      "enable_upnp": False, "enable_natpmp": False, "allow_multiple_connections_per_ip": True,
                      "alert_mask": 0})
    atp = lt.add_torrent_params()
    atp.ti = lt.torrent_info(torrent)
    atp.save_path = data
    h = ses.add_torrent(atp)
    deadline = time.time() + 30
    while not h.status().is_seeding:
        if time.time() > deadline:
            sys.exit("the seeder did not become a seeder within 30 s")
        time.sleep(0.05)
    return ses, torrent


class Wire:
    """tcpdump on lo for the seeder's port, every line kept with its timestamp (it runs for the whole session)."""

    def __init__(self, port):
        self.port, self.lines = port, []
        self.proc = subprocess.Popen(["tcpdump", "-i", "lo", "-n", "-tt", "-l", "-q", f"tcp port {port}"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        time.sleep(1.0)

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def times(self, since):
        """(first SYN to the seeder, first packet from the seeder of >= 16 KiB) after `since`."""
        conn = block = None
        for line in list(self.lines):
            m = re.match(r"(\d+\.\d+) IP \S+\.(\d+) > \S+\.(\d+): tcp (\d+)", line)
            if not m or float(m.group(1)) < since:
                continue
            t, src, dst, length = float(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4))
            if conn is None and dst == self.port:
                conn = t
            if block is None and src == self.port and length >= 16384:
                block = t
        return conn, block

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=5)


def run_wire(host, env, torrent, seeder_port, nice, root, wire):
    work = tempfile.mkdtemp(dir=root)
    try:
        out, state = os.path.join(work, "out"), os.path.join(work, "state")
        os.makedirs(out)
        os.makedirs(state)
        cmd = (["nice", "-n", "-20"] if nice else []) + [
            host, "download", torrent, "-o", out, "--state-dir", state, "--port", "47700", "--bind", "127.0.0.1",
            "--peer", f"127.0.0.1:{seeder_port}", "--status-interval", "1s"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.time()
        try:
            rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=20, env={**os.environ, **env}).returncode
        except subprocess.TimeoutExpired:
            rc = "timeout"
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        time.sleep(0.2)  # tcpdump's last lines
        conn, block = wire.times(start)
        ms = lambda x: None if x is None else round((x - start) * 1000, 1)
        cpu = round((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000)
        return {"rc": rc, "listen": None, "connect": ms(conn), "block": ms(block), "cpu": cpu}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_once(host, env, torrent, seeder_port, nice, root):
    work = tempfile.mkdtemp(dir=root)
    try:
        out, state, trace = os.path.join(work, "out"), os.path.join(work, "state"), os.path.join(work, "trace")
        os.makedirs(out)
        os.makedirs(state)
        cmd = (["nice", "-n", "-20"] if nice else []) + [
            "strace", "--seccomp-bpf", "-f", "-ttt", "-xx", "-s", "512", "-o", trace,
            "-e", "trace=execve,connect,listen,recvfrom,recvmsg",
            host, "download", torrent, "-o", out, "--state-dir", state, "--port", "47700", "--bind", "127.0.0.1",
            "--peer", f"127.0.0.1:{seeder_port}", "--status-interval", "1s"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=20, env={**os.environ, **env})
            rc = p.returncode
        except subprocess.TimeoutExpired:
            rc = "timeout"
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = round((after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000)
        start = listen = conn = block = None
        with open(trace) as f:
            for line in f:
                m = re.match(r"\s*\d+\s+(\d+\.\d+)\s+(.*)", line)
                if not m:
                    continue
                t, rest = float(m.group(1)), m.group(2)
                if start is None:
                    if rest.startswith("execve(") and "= 0" in rest:
                        start = t
                    continue
                if listen is None and rest.startswith("listen(") and ", 128)" in rest:  # ours (the runtime's diagnostics socket listens with 255)
                    listen = t
                if conn is None and rest.startswith("connect(") and f"htons({seeder_port})" in rest:
                    conn = t
                if block is None and PIECE_HEADER in rest:
                    block = t
        ms = lambda x: None if x is None or start is None else round((x - start) * 1000, 1)
        return {"rc": rc, "listen": ms(listen), "connect": ms(conn), "block": ms(block), "cpu": cpu}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("builds", nargs="+", help="name=path-to-published-Engine.Host[,VAR=value...] (environment for that variant)")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--nice", action="store_true")
    ap.add_argument("--port", type=int, default=47611)
    ap.add_argument("--wire", action="store_true", help="time the connection and the first block with tcpdump, not strace")
    a = ap.parse_args()
    builds = []
    for b in a.builds:
        name, rest = b.split("=", 1)
        host, *env = rest.split(",")
        builds.append((name, host, dict(e.split("=", 1) for e in env)))
    root = tempfile.mkdtemp(prefix="startup-bench-")
    try:
        ses, torrent = seeder(root, a.port)
        wire = Wire(a.port) if a.wire else None
        results = {name: [] for name, _, _ in builds}
        for r in range(a.rounds):
            order = builds if r % 2 == 0 else list(reversed(builds))
            for name, host, env in order:
                res = (run_wire(host, env, torrent, a.port, a.nice, root, wire) if wire
                       else run_once(host, env, torrent, a.port, a.nice, root))
                results[name].append(res)
                load = os.getloadavg()[0]
                print(f"round {r + 1} {name:>12}: listen {res['listen']} connect {res['connect']} block {res['block']} cpu {res['cpu']} rc {res['rc']} load {load:.1f}", flush=True)
        if wire:
            wire.close()
        print("\nms after " + ("the fork (tcpdump)" if wire else "execve") + ", min / median")
        print("| build | listen | first connect | first block | CPU ms of the whole run |\n|---|---|---|---|---|")
        for name, _, _ in builds:
            cell = lambda k: (lambda v: f"{min(v):.0f} / {statistics.median(v):.0f}" if v else "–")([x[k] for x in results[name] if x[k] is not None])
            print(f"| {name} | {cell('listen')} | {cell('connect')} | {cell('block')} | {cell('cpu')} |")
        del ses
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
