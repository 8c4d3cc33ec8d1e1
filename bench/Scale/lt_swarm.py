#!/usr/bin/python3
"""python3-libtorrent side of the scale benchmark (bench/Scale): several sessions in one process, each a peer of
every torrent.

One libtorrent session per --ports entry, bound to 127.0.0.1:<port> (TCP only: no uTP, DHT, LSD, UPnP, NAT-PMP;
no extensions, so no PEX between the sessions), every .torrent in --torrents added to each, all active at once
(not auto-managed), no limit on unchoke slots or connections.
  --mode seed:  the data in --save-path is taken as complete (seed_mode: no check); prints "ready <seconds>".
  --mode leech: each session downloads into --save-path/<port>/ and connects to --connect HOST:PORT; prints
                "ready <seconds>" once every torrent is added.
Then, once a second, "stat <downloaded> <uploaded>": payload bytes of all sessions so far. Runs until stdin is
closed (or SIGTERM). Errors go to stderr with exit code 1; libtorrent missing: code 5.
"""
import argparse
import os
import sys
import threading
import time

try:
    import libtorrent as lt
except ImportError:
    sys.stderr.write("python3-libtorrent is missing: apt-get install python3-libtorrent\n")
    sys.exit(5)


def session(port):
    settings = {
        "listen_interfaces": "127.0.0.1:%d" % port,
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_incoming_utp": False,
        "enable_outgoing_utp": False,
        "alert_mask": 0,
        "active_downloads": -1,
        "active_seeds": -1,
        "active_limit": -1,
        # every torrent's one connection to ours unchoked (the default, 8 per session, would leave 12 of 20 choked)
        "unchoke_slots_limit": -1,
        "connections_limit": 1000,
        "allow_multiple_connections_per_ip": True,
    }
    return lt.session(settings, 0)  # 0: without the default plugins (ut_pex, ut_metadata)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--torrents", required=True, help="directory of .torrent files")
    ap.add_argument("--save-path", required=True)
    ap.add_argument("--ports", required=True, help="comma-separated listen ports, one session each")
    ap.add_argument("--mode", choices=["seed", "leech"], required=True)
    ap.add_argument("--connect", help="HOST:PORT every torrent of every session connects to (leech mode)")
    args = ap.parse_args()

    start = time.monotonic()
    files = sorted(f for f in os.listdir(args.torrents) if f.endswith(".torrent"))
    infos = [lt.torrent_info(os.path.join(args.torrents, f)) for f in files]
    sessions = []
    for port in (int(p) for p in args.ports.split(",")):
        ses = session(port)
        save = args.save_path if args.mode == "seed" else os.path.join(args.save_path, str(port))
        handles = []
        for ti in infos:
            atp = lt.add_torrent_params()
            atp.ti = ti
            atp.save_path = save
            atp.flags &= ~lt.torrent_flags.auto_managed
            atp.flags &= ~lt.torrent_flags.paused
            if args.mode == "seed":
                atp.flags |= lt.torrent_flags.seed_mode
            handles.append(ses.add_torrent(atp))
        sessions.append((ses, handles))
    if args.mode == "leech":
        if not args.connect:
            sys.stderr.write("--mode leech needs --connect HOST:PORT\n")
            sys.exit(1)
        host, port = args.connect.rsplit(":", 1)
        for _, handles in sessions:
            for h in handles:
                h.connect_peer((host, int(port)), 0)
    sys.stdout.write("ready %.2f\n" % (time.monotonic() - start))
    sys.stdout.flush()

    done = threading.Event()

    def watch_stdin():
        try:
            for _ in sys.stdin:
                pass
        except Exception:
            pass
        done.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    while not done.wait(1.0):
        down = up = 0
        for ses, _ in sessions:
            for s in ses.get_torrent_status(lambda s: True, 0):
                down += s.total_payload_download
                up += s.total_payload_upload
        sys.stdout.write("stat %d %d\n" % (down, up))
        sys.stdout.flush()
    for ses, _ in sessions:
        ses.pause()


if __name__ == "__main__":
    main()
