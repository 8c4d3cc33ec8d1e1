#!/usr/bin/python3
"""python3-libtorrent side of the idle benchmark (bench/Idle, issue 6 case 5).

One session bound to 127.0.0.1:<port> (TCP only: no uTP, DHT, LSD, UPnP, NAT-PMP, as the interop peer script),
adds every .torrent in --torrents with --save-path, waits until all of them are seeding, prints
"ready <seconds>" and then idles until stdin is closed (or SIGTERM). Errors go to stderr with exit code 1;
libtorrent missing: code 5.
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--torrents", required=True, help="directory of .torrent files")
    ap.add_argument("--save-path", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()

    start = time.monotonic()
    settings = {
        "listen_interfaces": "127.0.0.1:%d" % args.port,
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_incoming_utp": False,
        "enable_outgoing_utp": False,
        "alert_mask": 0,
        # Every torrent active, as ours: libtorrent would otherwise queue all but a few (active_seeds 5).
        "active_downloads": -1,
        "active_seeds": -1,
        "active_limit": -1,
        "active_checking": 4,
    }
    ses = lt.session(settings)
    files = sorted(f for f in os.listdir(args.torrents) if f.endswith(".torrent"))
    for f in files:
        ti = lt.torrent_info(os.path.join(args.torrents, f))
        atp = lt.add_torrent_params()
        atp.ti = ti
        atp.save_path = args.save_path
        # Not auto-managed: every torrent is started (and checked) at once instead of being queued by the
        # session's auto-manager, which checks a few at a time on its own slow tick (minutes for 1000).
        atp.flags &= ~lt.torrent_flags.auto_managed
        atp.flags &= ~lt.torrent_flags.paused
        ses.add_torrent(atp)

    while True:
        # One call for every status (a status() per handle is a round trip to the session thread each).
        states = [s.state for s in ses.get_torrent_status(lambda s: True, 0)]
        seeding = sum(1 for s in states if s == lt.torrent_status.seeding)
        if seeding == len(files):
            break
        if time.monotonic() - start > args.timeout:
            sys.stderr.write("only %d of %d torrents seeding after %.0f s\n" % (seeding, len(files), args.timeout))
            sys.exit(1)
        time.sleep(0.5)
    sys.stdout.write("ready %.2f %d\n" % (time.monotonic() - start, len(files)))
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
    done.wait()


if __name__ == "__main__":
    main()
