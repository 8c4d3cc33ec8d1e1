#!/usr/bin/python3
"""A private DHT of python3-libtorrent sessions on loopback addresses, for the DHT interop tests (Engine.Tests.Dht).

Session i listens on <first address + i>:<port> (TCP and UDP: the DHT runs on the listen port), with the DHT on and
libtorrent's guards against private addresses off (dht_restrict_routing_ips, dht_restrict_search_ips,
dht_prefer_verified_node_ids, dht_ignore_dark_internet), no LSD/UPnP/NAT-PMP/uTP. Every session joins through the
--bootstrap nodes and the other sessions.
  --seed TORRENT --data DIR   session 0 seeds the torrent, announcing it through the DHT only (trackers ignored)
  --leech HEX --data DIR      session 0 downloads the info-hash from a magnet link that names nothing else
Every line on stdout is one JSON object: {"type":"event","event":"listening","nodes":["ip:port",...]},
{"type":"status","dht_nodes":[...],"progress":...,"peers":...,"seeding":...}, {"type":"event","event":"finished"},
{"type":"alert",...}. A session with a torrent re-announces it to the DHT every few seconds (forced), so the tests do
not wait libtorrent's 15 minutes. Exits when stdin closes, on SIGTERM, or (leech) when the download completes.
"""
import argparse
import ipaddress
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


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def watch_stdin():
    try:
        for _ in sys.stdin:
            pass
    except Exception:
        pass
    stop.set()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=3)
    ap.add_argument("--first-address", default="127.0.0.2")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--bootstrap", action="append", default=[], help="host:port of a DHT node to join through")
    ap.add_argument("--seed")
    ap.add_argument("--leech")
    ap.add_argument("--data")
    ap.add_argument("--interval", type=float, default=0.5)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=watch_stdin, daemon=True).start()

    first = ipaddress.ip_address(args.first_address)
    addresses = [str(first + i) for i in range(args.nodes)]
    def endpoint(a):  # [v6]:port or v4:port
        return ("[%s]:%d" if ":" in a else "%s:%d") % (a, args.port)
    others = [endpoint(a) for a in addresses]
    cat = lt.alert.category_t
    sessions = []
    for i, address in enumerate(addresses):
        settings = {
            "listen_interfaces": endpoint(address),
            "listen_system_port_fallback": False,
            "enable_dht": True,
            "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
            "enable_incoming_utp": False, "enable_outgoing_utp": False,
            "dht_restrict_routing_ips": False, "dht_restrict_search_ips": False,
            "dht_prefer_verified_node_ids": False, "dht_enforce_node_id": False,
            "dht_ignore_dark_internet": False,
            "dht_bootstrap_nodes": ",".join(args.bootstrap + [o for j, o in enumerate(others) if j != i]),
            "allow_multiple_connections_per_ip": True,
            "alert_mask": int(cat.error_notification | cat.status_notification | cat.dht_notification | cat.peer_notification
                              | cat.dht_operation_notification | cat.dht_log_notification * 0),
            "user_agent": "interop-libtorrent-dht/" + lt.__version__,
        }
        sessions.append(lt.session(settings))
    time.sleep(0.5)
    for i, ses in enumerate(sessions):
        for b in args.bootstrap + [o for j, o in enumerate(others) if j != i]:
            host, _, port = b.rpartition(":")
            ses.add_dht_node((host.strip("[]"), int(port)))
    emit({"type": "event", "event": "listening", "nodes": others, "pid": os.getpid()})

    handle = None
    if args.seed or args.leech:
        atp = lt.add_torrent_params()
        atp.save_path = args.data
        if args.seed:
            atp.ti = lt.torrent_info(args.seed)
            atp.trackers = []
        else:
            atp = lt.parse_magnet_uri("magnet:?xt=urn:btih:" + args.leech)
            atp.save_path = args.data
        atp.flags &= ~lt.torrent_flags.auto_managed
        atp.flags &= ~lt.torrent_flags.paused
        handle = sessions[0].add_torrent(atp)

    finished = False
    last_status = last_announce = 0.0
    while not stop.is_set():
        for ses in sessions:
            for a in ses.pop_alerts():
                name = type(a).__name__
                if name in ("dht_get_peers_reply_alert", "dht_announce_alert", "dht_error_alert", "listen_failed_alert",
                            "dht_bootstrap_alert", "torrent_error_alert", "peer_connect_alert", "incoming_connection_alert"):
                    emit({"type": "alert", "what": name, "message": a.message()})
        now = time.monotonic()
        if handle is not None and now - last_announce >= 3:
            last_announce = now
            handle.force_dht_announce()
        if now - last_status >= args.interval:
            last_status = now
            status = {"type": "status", "dht_nodes": [s.status().dht_nodes for s in sessions]}
            if handle is not None:
                st = handle.status()
                status.update({"progress": st.progress, "peers": st.num_peers, "seeding": st.is_seeding,
                               "has_metadata": st.has_metadata, "state": str(st.state)})
                if args.leech and st.is_seeding and not finished:
                    finished = True
                    emit({"type": "event", "event": "finished"})
            emit(status)
        time.sleep(0.1)
    emit({"type": "event", "event": "exit"})


if __name__ == "__main__":
    main()
