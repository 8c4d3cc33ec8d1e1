#!/usr/bin/env bash
# uTP on a shaped link (issue 16): two network namespaces joined by a veth pair whose seeder-to-leecher direction is a
# tbf bottleneck (default 50 Mbit/s with 200 ms of buffer, a home uplink's bufferbloat). Four phases, one run:
#   1. our leecher downloads from our seeder over uTP alone: the share of the link it fills;
#   2. a bulk TCP flow alone (python3, CUBIC unless --tcp-cc says otherwise): what TCP gets;
#   3. the TCP flow, then the same uTP download beside it: what TCP keeps and what uTP takes (LEDBAT should yield);
#   4. the uTP download, then the TCP flow beside it (a background download, then the user's own traffic).
# Throughput is read from the leecher's interface counters each second (the wire, not the engine's own figures).
# usage: bench/utp-lab.sh [--rate-mbit 50] [--size-mib 192] [--buffer-ms 200] [--tcp-cc cubic|bbr] [--host PATH]
#                         [--phases 1234]   root; ~6 minutes for all four phases, ~80 s for phase 3 alone
# (--host: an Engine.Host to measure instead of the Release build, e.g. a published one; a .dll runs under dotnet)
# (the TCP flow's congestion control is set on its socket: this machine's kernel default is bbr, most hosts' cubic)
# (phase 3 measures seconds 10 to 40 of the download beside TCP, not to its end)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rate=50; size=192; buffer_ms=200; tcp_cc=cubic; host=; phases=1234
while [ $# -gt 0 ]; do
  case "$1" in
    --rate-mbit) rate=$2; shift ;;
    --size-mib) size=$2; shift ;;
    --buffer-ms) buffer_ms=$2; shift ;;
    --tcp-cc) tcp_cc=$2; shift ;;
    --host) host=$2; shift ;;
    --phases) phases=$2; shift ;;
    -h|--help) sed -n "2,13p" "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" -eq 0 ] || { echo "utp-lab: needs root (network namespaces, tc)" >&2; exit 2; }

if [ -z "$host" ]; then
  dotnet build Engine.Host/Engine.Host.csproj -c Release -nologo -v q >/dev/null
  host="$root/Engine.Host/bin/Release/net10.0/Engine.Host.dll"
fi
engine=("$host"); [[ $host == *.dll ]] && engine=(dotnet "$host")
id=$$; a="ulab$id-a"; r="ulab$id-r"; b="ulab$id-b"
ipa=10.213.1.2; ipb=10.213.2.2
work=$(mktemp -d); pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for n in "$a" "$r" "$b"; do ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# seeder a -- router r -- leecher b; the bottleneck is the router's way to b (a queue in a forwarding router, as on a
# real path: on the sender's own interface, TCP small queues would throttle the TCP flow behind any standing queue).
for n in "$a" "$r" "$b"; do ip netns add "$n"; ip -n "$n" link set lo up; done
ip link add "ra$id" netns "$r" type veth peer name "ar$id" netns "$a"
ip link add "rb$id" netns "$r" type veth peer name "br$id" netns "$b"
ip -n "$a" addr add $ipa/24 dev "ar$id"; ip -n "$r" addr add 10.213.1.1/24 dev "ra$id"
ip -n "$b" addr add $ipb/24 dev "br$id"; ip -n "$r" addr add 10.213.2.1/24 dev "rb$id"
for l in "$a ar$id" "$r ra$id" "$r rb$id" "$b br$id"; do set -- $l; ip -n "$1" link set "$2" up; done
ip -n "$a" route add default via 10.213.1.1; ip -n "$b" route add default via 10.213.2.1
ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1
limit=$(( rate * 1000000 / 8 * buffer_ms / 1000 ))
ip netns exec "$r" tc qdisc add dev "rb$id" root tbf rate "${rate}mbit" burst 32kb limit "$limit"
# Offloads would hand tbf 64 KB segments; real links see packets.
for l in "$a ar$id" "$r ra$id" "$r rb$id" "$b br$id"; do set -- $l; ip netns exec "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1 || true; done
vb="br$id"

echo "utp-lab: ${rate} Mbit/s bottleneck, ${buffer_ms} ms buffer ($limit bytes), ${size} MiB torrent"
mkdir -p "$work/seed"
head -c $((size * 1024 * 1024)) /dev/urandom > "$work/seed/data.bin"
"${engine[@]}" create "$work/seed/data.bin" --tracker http://$ipa:1/announce -o "$work/t.torrent" >/dev/null

rx() { ip netns exec "$b" cat "/sys/class/net/$vb/statistics/rx_bytes"; }

# The seeder dials uTP only too: it redials the leecher of an earlier phase when the next one starts on the same
# address, and with `--utp enabled` it did so over TCP, so phases 3 and 4 sometimes measured TCP beside TCP.
ip netns exec "$a" "${engine[@]}" seed "$work/t.torrent" --data "$work/seed" --port 6881 --bind $ipa --utp only \
  > "$work/seeder.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do grep -qi "seeding" "$work/seeder.log" && break; sleep 0.5; done

# A python3 TCP sink (in the leecher's namespace) counting what arrives, and a source that sends zeros for $1 seconds.
tcp_port=5000
tcp_flow() {
  tcp_port=$((tcp_port + 1)); tcplog="$work/tcp$tcp_port.log"; : > "$tcplog"
  ip netns exec "$b" python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("'$ipb'", '$tcp_port')); s.listen(1)
c, _ = s.accept(); c.settimeout(2); total = 0; buf = bytearray(1 << 16)
with open(sys.argv[1], "w") as out:
    while True:
        try: n = c.recv_into(buf)
        except socket.timeout: break
        if n == 0: break
        total += n; print(f"{time.time():.3f} {total}", file=out, flush=True)
' "$tcplog" &
  pids+=($!)
  sleep 0.5
  ip netns exec "$a" timeout "$1" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"'$tcp_cc'")
s.connect(("'$ipb'", '$tcp_port')); z = bytes(1 << 16)
while True: s.sendall(z)
' 2>/dev/null &
  pids+=($!)
}

# The TCP flow's congestion control, round trip and window, as the sender's kernel sees them (ss).
tcp_state() {
  echo "  TCP flow: $(ip netns exec "$a" ss -tin dst $ipb | grep -oE "(cubic|bbr|reno) |[a-z]*rtt:[0-9.]+|cwnd:[0-9]+" | tr "\n" " " || true)"
}

# Bytes the last flow's TCP sink had at time $1 (epoch seconds); each flow logs to its own file.
tcp_at() { awk -v t="$1" '$1 <= t { b = $2 } END { print b + 0 }' "$tcplog"; }

# Downloads the torrent over uTP into $1, to the end (or for $2 seconds); prints "start end bytes-on-the-wire" of the
# middle of the download: from 10 % to 90 % of the torrent (or from the 10th second to the last).
utp_download() {
  local out=$1 limit=${2:-0} before
  before=$(rx)
  ip netns exec "$b" "${engine[@]}" download "$work/t.torrent" -o "$out" --port 6882 --bind $ipb --peer $ipa:6881 \
    --utp only --status-interval 1s > "$work/leecher.log" 2>&1 &
  local pid=$!; pids+=($pid)
  : > "$work/samples"
  local n=$((size * 8 / rate * 4 + 60)); [ "$limit" -gt 0 ] && n=$limit
  for _ in $(seq 1 "$n"); do
    echo "$(date +%s.%N) $(( $(rx) - before ))" >> "$work/samples"
    kill -0 $pid 2>/dev/null || break
    sleep 1
  done
  kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
  if [ "$limit" -eq 0 ] && ! cmp -s "$work/seed/data.bin" "$out/data.bin"; then
    echo "utp-lab: the uTP download is not byte-exact" >&2; tail -5 "$work/leecher.log" >&2; exit 1
  fi
  awk -v total=$((size * 1024 * 1024)) -v limit="$limit" '
    { t[NR] = $1; b[NR] = $2 }
    END { if (limit > 0) { s = 10; e = NR }
          else for (i = 1; i <= NR; i++) { if (!s && b[i] >= 0.1 * total) s = i; if (!e && b[i] >= 0.9 * total) e = i }
          if (!e) e = NR; printf "%s %s %d\n", t[s], t[e], b[e] - b[s] }' "$work/samples"
}

mbit() { awk -v b="$1" -v s="$2" -v e="$3" 'BEGIN { printf "%.1f", b * 8 / (e - s) / 1e6 }'; }

utp_alone=-; tcp_alone=-; utp_with=-; tcp_with=-; utp_late=-; tcp_late=-
pct() { [ "$1" = - ] && { echo -; return; }; awk -v a="$1" -v r="$rate" 'BEGIN { printf "%.0f", 100 * a / r }'; }

if [[ $phases == *1* ]]; then
echo "phase 1: uTP alone"
read -r s e bytes < <(utp_download "$work/d1")
utp_alone=$(mbit "$bytes" "$s" "$e")
echo "  uTP: $utp_alone Mbit/s on the wire = $(awk -v m="$utp_alone" -v r="$rate" 'BEGIN { printf "%.0f", 100 * m / r }') % of the link"

fi

if [[ $phases == *2* ]]; then
echo "phase 2: TCP alone (20 s)"
tcp_flow 22
sleep 4; t0=$(date +%s.%N); b0=$(tcp_at "$t0"); sleep 7; tcp_state; sleep 7; t1=$(date +%s.%N); b1=$(tcp_at "$t1")
tcp_alone=$(mbit $((b1 - b0)) "$t0" "$t1")
echo "  TCP: $tcp_alone Mbit/s"
sleep 6
fi

if [[ $phases == *3* ]]; then
echo "phase 3: TCP, then uTP beside it (uTP the latecomer)"
tcp_flow 50
sleep 4
( sleep 20; tcp_state; sleep 10; tcp_state ) &
read -r s e bytes < <(utp_download "$work/d3" 40)
tcp_b=$(( $(tcp_at "$e") - $(tcp_at "$s") ))
tcp_late=$(mbit "$tcp_b" "$s" "$e")
utp_late=$(awk -v w="$(mbit "$bytes" "$s" "$e")" -v t="$tcp_late" 'BEGIN { printf "%.1f", w - t }')
echo "  TCP: $tcp_late Mbit/s, uTP: $utp_late Mbit/s"
sleep 3
fi

if [[ $phases == *4* ]]; then
echo "phase 4: uTP, then TCP beside it (the case LEDBAT is for: a background download, then the user's own traffic)"
before=$(rx)
ip netns exec "$b" "${engine[@]}" download "$work/t.torrent" -o "$work/d4" --port 6882 --bind $ipb --peer $ipa:6881 \
  --utp only > "$work/leecher.log" 2>&1 &
upid=$!; pids+=($upid)
sleep 5
tcp_flow 30
sleep 5; t0=$(date +%s.%N); r0=$(rx); b0=$(tcp_at "$t0"); sleep 15; t1=$(date +%s.%N); r1=$(rx); b1=$(tcp_at "$t1")
tcp_state
kill $upid 2>/dev/null || true
tcp_with=$(mbit $((b1 - b0)) "$t0" "$t1")
utp_with=$(awk -v w="$(mbit $((r1 - r0)) "$t0" "$t1")" -v t="$tcp_with" 'BEGIN { printf "%.1f", w - t }')
echo "  TCP: $tcp_with Mbit/s ($(pct "$tcp_with") % of the link), uTP: $utp_with Mbit/s"
fi
echo
echo "| ${rate} Mbit/s link, ${buffer_ms} ms buffer | uTP | TCP |"
echo "|---|---|---|"
echo "| uTP alone | $utp_alone Mbit/s ($(pct "$utp_alone") %) | |"
echo "| TCP alone | | $tcp_alone Mbit/s ($(pct "$tcp_alone") %) |"
echo "| uTP first, then TCP | $utp_with Mbit/s | $tcp_with Mbit/s ($(pct "$tcp_with") %) |"
echo "| TCP first, then uTP | $utp_late Mbit/s | $tcp_late Mbit/s ($(pct "$tcp_late") %) |"
