#!/usr/bin/python3
"""python3-libtorrent leeching a magnet link from one given peer (for MagnetInteropTests).

Usage: magnet_leech.py MAGNET SAVE_PATH PORT PEER_HOST:PEER_PORT
Prints one JSON object per line: {"event": "metadata", "name": ...}, {"event": "finished"}, {"event": "status", ...}.
Exits 0 once the download is complete (torrent removed, files closed), 2 on timeout (60 s), 5 if libtorrent is missing.
Stops when stdin closes.
"""
import json
import sys
import threading
import time

try:
    import libtorrent as lt
except ImportError:
    sys.stderr.write("python3-libtorrent is missing: apt-get install python3-libtorrent\n")
    sys.exit(5)


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    magnet, save, port, peer = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    ses = lt.session({
        "listen_interfaces": "127.0.0.1:%d" % port,
        "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
        "enable_incoming_utp": False, "enable_outgoing_utp": False,
        "allow_multiple_connections_per_ip": True,
        "alert_mask": int(lt.alert.category_t.error_notification | lt.alert.category_t.status_notification),
    })
    atp = lt.parse_magnet_uri(magnet)
    atp.save_path = save
    atp.flags &= ~lt.torrent_flags.auto_managed
    atp.flags &= ~lt.torrent_flags.paused
    handle = ses.add_torrent(atp)
    host, _, p = peer.rpartition(":")
    deadline = time.monotonic() + 60
    have_metadata = False
    last_connect = 0.0
    code = 2
    while not stop.is_set() and time.monotonic() < deadline:
        st = handle.status()
        now = time.monotonic()
        if st.num_peers == 0 and now - last_connect > 1.0:
            handle.connect_peer((host, int(p)), 0)
            last_connect = now
        if st.has_metadata and not have_metadata:
            have_metadata = True
            emit({"event": "metadata", "name": handle.torrent_file().name()})
        emit({"event": "status", "state": str(st.state), "progress": st.progress, "peers": st.num_peers})
        if have_metadata and st.is_seeding:
            emit({"event": "finished"})
            code = 0
            break
        for a in ses.pop_alerts():
            if a.category() & lt.alert.category_t.error_notification:
                emit({"event": "alert", "message": a.message()})
        time.sleep(0.2)
    ses.remove_torrent(handle)
    end = time.monotonic() + 5
    while time.monotonic() < end:
        if any(type(a).__name__ == "torrent_removed_alert" for a in ses.pop_alerts()):
            break
        ses.wait_for_alert(100)
    return code


if __name__ == "__main__":
    sys.exit(main())
