#!/usr/bin/python3
"""A libtorrent peer for interop tests, driven by Engine.Tests.Interop.LibtorrentPeer.

Runs one libtorrent session bound to 127.0.0.1:<port> or --host:<port> (an IPv4 or IPv6 address; TCP only: no uTP, DHT, LSD, UPnP,
NAT-PMP; PEX only with --pex),
adds one .torrent and seeds or leeches it. Every line on stdout is one JSON object:
  {"type":"event","event":"listening"|"checked"|"seeding"|"finished"|"error"|"exit", ...}
  {"type":"status","t":...,"state":...,"progress":...,"total_done":...,"download_rate":...,"upload_rate":...,"num_peers":...,
   "peers":[{"ep":"[fd77::2]:6881","source":4,"pex":true,"down":...,"up":...,"utp":true,"connected":true}, ...]}
   (every peer connected at some time, sampled ten times a second: how libtorrent learnt of it -- peer_info.source flags:
   1 tracker, 2 DHT, 4 PEX, 8 LSD, 32 incoming --, the payload bytes each way last seen, whether it is still connected;
   a status line is also written just before "finished")
  {"type":"alert","what":...,"message":...}            (tracker, peer-connect and error alerts, for diagnostics)
Stdin takes commands, one a line: "connect HOST:PORT" or "connect [V6]:PORT" (retried every 2 s until a first peer connects), "reannounce".
Exits when: leech mode and the download is complete (code 0, after removing the torrent so files are closed);
stdin is closed (code 0); the seed data turns out incomplete after checking (code 3); listening fails (code 4);
SIGTERM/SIGINT. libtorrent is missing: code 5.
"""
import argparse
import faulthandler
import json
import os
import signal
import sys
import threading
import time

try:
    import libtorrent as lt
except ImportError:
    sys.stderr.write("python3-libtorrent is missing: apt-get install python3-libtorrent\n")
    sys.exit(5)

stop = threading.Event()

# peer_info::utp_socket (bit 17 of peer_info.flags), which the python binding does not name
UTP_SOCKET = 1 << 17


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


commands = []
commands_lock = threading.Lock()


def watch_stdin():
    """Reads commands ("connect HOST:PORT", "reannounce"), one a line; EOF means stop."""
    try:
        for line in sys.stdin:
            line = line.strip()
            if line:
                with commands_lock:
                    commands.append(line)
    except Exception:
        pass
    stop.set()


def parse_endpoint(text):
    """HOST:PORT, [IPV6]:PORT (as .NET writes an IPEndPoint) or IPV6:PORT."""
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


def format_endpoint(host, port):
    return "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)


def sample_peers(handle, seen):
    """Updates seen (endpoint -> the status line's peer entry) from the connected peers: a peer that has gone keeps the
    bytes last seen (libtorrent drops a seed as soon as it completes, so a fast download may never be in a status line),
    and its sources are every one seen for it."""
    connected = set()
    for p in handle.get_peer_info():
        host, port = p.ip
        ep = format_endpoint(host, port)
        connected.add(ep)
        # The sources libtorrent has named for this endpoint in any sample (a later connection to it may have come another
        # way, e.g. dialled by the peer itself, and would hide that libtorrent first learnt of it through PEX).
        source = int(p.source) | (seen[ep]["source"] if ep in seen else 0)
        seen[ep] = {"ep": ep, "source": source, "pex": bool(source & int(lt.peer_info.pex)), "down": p.total_download,
                    "up": p.total_upload, "utp": bool(int(p.flags) & UTP_SOCKET), "connected": True}
    for ep, entry in seen.items():
        if ep not in connected:
            entry["connected"] = False


def main():
    # A crash inside libtorrent prints the Python stack that called it on stderr -- when run by hand: under the test host
    # another SIGSEGV handler was seen installed over this one, which re-raises without a word (2026-12-06).
    faulthandler.enable()
    ap = argparse.ArgumentParser()
    ap.add_argument("--torrent", required=True)
    ap.add_argument("--save-path", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--host", default="127.0.0.1", help="address to listen on (a lab address gives the peer an IP of its own)")
    ap.add_argument("--mode", choices=["seed", "leech"], required=True)
    ap.add_argument("--connect", action="append", default=[], help="host:port to connect to directly")
    ap.add_argument("--keep-seeding", action="store_true", help="leech mode: stay up after completing")
    ap.add_argument("--no-tracker", action="store_true", help="ignore the torrent's trackers")
    ap.add_argument("--interval", type=float, default=0.5, help="seconds between status lines")
    ap.add_argument("--encryption", choices=["disabled", "enabled", "forced"], default="disabled")
    ap.add_argument("--upload-limit", type=int, default=0, help="bytes per second, 0 = unlimited")
    ap.add_argument("--download-limit", type=int, default=0, help="bytes per second, 0 = unlimited")
    ap.add_argument("--pex", action="store_true", help="exchange peers (ut_pex) with connected peers")
    ap.add_argument("--lsd", action="store_true", help="local service discovery (BEP 14) on the listen interface")
    ap.add_argument("--transport", choices=["tcp", "utp", "both"], default="tcp", help="tcp only, utp only (TCP refused both ways), or both")
    args = ap.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=watch_stdin, daemon=True).start()

    policy = {"disabled": lt.enc_policy.disabled, "enabled": lt.enc_policy.enabled,
              "forced": lt.enc_policy.forced}[args.encryption]
    cat = lt.alert.category_t
    settings = {
        "listen_interfaces": format_endpoint(args.host, args.port),
        "listen_system_port_fallback": False,
        "enable_dht": False,
        "enable_lsd": args.lsd,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_incoming_utp": args.transport != "tcp",
        "enable_outgoing_utp": args.transport != "tcp",
        "enable_incoming_tcp": args.transport != "utp",
        "enable_outgoing_tcp": args.transport != "utp",
        "allow_multiple_connections_per_ip": True,
        "out_enc_policy": policy,
        "in_enc_policy": lt.enc_policy.enabled if args.encryption == "disabled" else policy,
        # forced: RC4 only, as a client that will not speak plaintext at all does
        "allowed_enc_level": lt.enc_level.rc4 if args.encryption == "forced" else lt.enc_level.both,
        "announce_to_all_trackers": True,
        "announce_to_all_tiers": True,
        "alert_mask": int(cat.error_notification | cat.status_notification | cat.tracker_notification
                          | cat.connect_notification | cat.peer_notification),
        "user_agent": "interop-libtorrent/" + lt.__version__,
        "upload_rate_limit": args.upload_limit,
        "download_rate_limit": args.download_limit,
    }
    ses = lt.session(settings)
    if args.upload_limit or args.download_limit:
        # Peers on 127.0.0.1 (and 10/8, 192.168/16, fc00::/7...) fall in libtorrent's "local" peer class, which
        # ignores rate limits: put every address in the global class instead so the limits apply there too.
        f = lt.ip_filter()
        f.add_rule("0.0.0.0", "255.255.255.255", 1 << lt.session.global_peer_class_id)
        f.add_rule("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1 << lt.session.global_peer_class_id)
        ses.set_peer_class_filter(f)

    atp = lt.add_torrent_params()
    atp.ti = lt.torrent_info(args.torrent)
    atp.save_path = args.save_path
    atp.flags &= ~lt.torrent_flags.auto_managed
    atp.flags &= ~lt.torrent_flags.paused
    atp.flags |= lt.torrent_flags.disable_dht
    if not args.lsd:
        atp.flags |= lt.torrent_flags.disable_lsd
    if not args.pex:
        atp.flags |= lt.torrent_flags.disable_pex
    if args.no_tracker:
        atp.trackers = []
        atp.flags |= lt.torrent_flags.override_trackers
    handle = ses.add_torrent(atp)
    emit({"type": "event", "event": "added", "info_hash": str(atp.ti.info_hashes().v1), "pid": os.getpid()})

    code = 0
    t0 = time.monotonic()
    checked = False
    completed = False
    last_status = 0.0
    last_connect = 0.0
    targets = list(args.connect)
    ever_connected = False
    seen = {}
    while not stop.is_set():
        for a in ses.pop_alerts():
            name = type(a).__name__
            if name == "listen_succeeded_alert":
                emit({"type": "event", "event": "listening", "port": a.port, "message": a.message()})
            elif name == "listen_failed_alert":
                emit({"type": "event", "event": "error", "message": a.message()})
                code = 4
                stop.set()
            elif name in ("state_changed_alert", "stats_alert", "piece_finished_alert", "block_finished_alert"):
                pass
            else:
                emit({"type": "alert", "what": name, "message": a.message()})
        if stop.is_set():
            break

        st = handle.status()
        now = time.monotonic()
        if not checked and st.state not in (lt.torrent_status.checking_files,
                                            lt.torrent_status.checking_resume_data) and st.has_metadata:
            checked = True
            emit({"type": "event", "event": "checked", "progress": st.progress, "total_done": st.total_done})
            if args.mode == "seed":
                if st.is_seeding:
                    emit({"type": "event", "event": "seeding"})
                else:
                    emit({"type": "event", "event": "error",
                          "message": "seed data incomplete after checking: %d of %d bytes valid"
                                     % (st.total_done, st.total_wanted)})
                    code = 3
                    break
        with commands_lock:
            pending, commands[:] = list(commands), []
        for cmd in pending:
            verb, _, arg = cmd.partition(" ")
            if verb == "connect":
                targets.append(arg)
                ever_connected = False
                last_connect = 0.0
            elif verb == "reannounce":
                # Now, whatever the tracker's min interval or the backoff after its failures says.
                handle.force_reannounce(0, -1, lt.reannounce_flags_t.ignore_min_interval)
            emit({"type": "event", "event": "command", "command": cmd})
        if st.num_peers > 0:
            ever_connected = True
        # Direct connections: retried every 2 s until a first peer is connected (the target may not listen yet).
        if checked and targets and not ever_connected and now - last_connect > 2.0:
            last_connect = now
            for ep in targets:
                handle.connect_peer(parse_endpoint(ep), 0)
        sample_peers(handle, seen)
        finishing = args.mode == "leech" and checked and not completed and st.is_seeding
        if now - last_status >= args.interval or finishing:
            last_status = now
            emit({"type": "status", "t": round(now - t0, 2), "state": str(st.state), "progress": st.progress, "total_done": st.total_done,
                  "total_wanted": st.total_wanted, "download_rate": st.download_payload_rate,
                  "upload_rate": st.upload_payload_rate, "num_peers": st.num_peers, "num_seeds": st.num_seeds,
                  "is_seeding": st.is_seeding, "peers": list(seen.values())})
        if finishing:
            completed = True
            emit({"type": "event", "event": "finished", "total_done": st.total_done})
            if not args.keep_seeding:
                break
        ses.wait_for_alert(100)

    # Remove the torrent and let the disk threads close the files before exiting.
    try:
        ses.remove_torrent(handle)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if any(type(a).__name__ == "torrent_removed_alert" for a in ses.pop_alerts()):
                break
            ses.wait_for_alert(100)
    except Exception as e:  # noqa: BLE001 - diagnostics only
        emit({"type": "alert", "what": "shutdown", "message": str(e)})
    del ses
    emit({"type": "event", "event": "exit", "code": code})
    return code


if __name__ == "__main__":
    sys.exit(main())
