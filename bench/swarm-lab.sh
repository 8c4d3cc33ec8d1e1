#!/usr/bin/env bash
# WAN-like swarms (issue 20, target 1): one leecher downloads a torrent from N python3-libtorrent seeders, each seeder
# behind its own upload rate and round trip; our engine, python3-libtorrent and aria2c in turn (rotating order), and
# qBittorrent when asked for (--clients ...,qbittorrent: qbittorrent-nox 4.5, libtorrent 2.0 inside, with its own
# defaults but DHT, PeX and LSD off and TCP only; it does not exit when done: its wall ends when its run-on-finish program
# fires, and it is then stopped, so its exit is not counted against it).
#   namespaces: seeder i (10.214.<i+1>.2) -- router (htb: one class per seeder's upload, on the way to the leecher)
#               -- leecher (10.214.0.2), where bench/SwarmLab/delay_relay.py holds every chunk RTT/2 in each direction
#               (netem does not exist in this kernel): the leecher dials relay i at 10.214.100.<i+1>:6881, so the
#               path is seeder -> shaped link -> one-way delay -> leecher and back through the delay again.
#   pinned: seeders and the relay on CPU 0, the measured leecher on CPU 1 (taskset).
# Scenarios (the issue's table):
#   A  8 x 40 Mbit/s, 60 ms RTT          B  2 x 100 Mbit/s 20 ms + 6 x 8 Mbit/s 200 ms
#   C  as A, 3 seeders killed at 30/50/70 % (of the torrent's size received on the leecher's link)
#   D  1 x 200 Mbit/s, 300 ms RTT
#   E  30 seeders of mixed speed and round trip (home uplinks): 10 x 4 Mbit/s 200 ms, 10 x 8 Mbit/s 120 ms,
#      8 x 16 Mbit/s 60 ms, 2 x 40 Mbit/s 20 ms (328 Mbit/s in all, about A's total: more would saturate CPU 0),
#      PLUS 3 python3-libtorrent leechers (CPU 0, same namespace, each through its own 30 relays in the same relay
#      process, not counted in the measured leecher's figures) that download the same torrent from the same 30
#      seeders. They are started and checked first, then told to connect at the measured leecher's launch, so all
#      four start together; they compete for every seeder's upload, not with each other (not told of each other).
#      Each seeder's class is split per leecher (htb children at 1/4 of the rate that borrow up to all of it): a fair
#      queue per leecher, as a real uplink's TCP sharing gives it (here the relay ends TCP next to the seeder, and
#      plain FIFO sharing went by start order, see shape()). "size / total upload" is no ideal when four share the
#      upload: E's efficiency is the fair share, (4 x size / total upload) / wall, and the fair measure is the
#      measured leecher's wall / the median competitor's wall in the same run (< 1 = faster than its libtorrent
#      neighbours; libtorrent as the measured client is the control, ~1, and ours' ratio over the control's cancels
#      what the measured seat on CPU 1 gains when CPU 0 is crowded). Also printed for E: the mid-run share (the
#      measured leecher's bytes over a competitor's mean from 20 % to 80 % of its wall, start and end left out), how busy CPU 0 was
#      (/proc/stat, whoever ran) and the shares of it the 30 seeders, the relay and the competitors took.
#      Measured 2026-12-05, 128 and 256 MiB, load 9-25 (docs/performance.md): ours 0.84-0.93 x the competitors' time,
#      libtorrent 0.89-1.00, ours over the control 0.91-0.98; fair-share ours 0.89-0.97, libtorrent 0.82-0.92; CPU 0
#      93-100 % busy (seeders ~32 %, relay ~28 %, competitors ~28 %) yet the link full mid-run.
# Per client: wall time from launch to exit (complete, then byte-compared), efficiency = ideal / wall where ideal =
# size / total seeder upload (C: piecewise, the rate drops at each kill), the leecher's CPU-seconds (GNU time), the
# relay's CPU share of its core (it must stay well below 1 to not be the bottleneck), from the relay's byte counts the
# payload received beyond the torrent's size (blocks received twice) and the bytes sent to the seeders in 17-byte
# units (~ requests + cancels), when the leecher first connected and first heard from a seeder (its handshake; the
# relay's accept and first byte back, from launch), requests outstanding per seeder (median and max of the relay's
# once-a-second counts: requests that reached the seeder minus blocks that reached the
# leecher), ours / libtorrent ratios and met / not met against the issue (>= 0.93 in A-C and E, >= 0.90 in D, never
# slower than libtorrent; in E also never slower than the competing libtorrent leechers), the load average at each
# run (the machine is shared).
# usage: bench/swarm-lab.sh [--size-mib 256] [--scenarios A,D,B,C] [--clients ours,libtorrent,aria2[,qbittorrent]] [--repeat 1]
#                           [--jit] [--no-build] [--ours PATH] [--base PATH] [--keep-logs DIR]
#        root; about 2 + 3 x (size / rate) minutes per scenario
#        E only when asked for (--scenarios E or e.g. A,D,B,C,E): it sets up 30 seeder namespaces.
# Ours is Engine.Host as bench/run.sh measures it (self-contained ReadyToRun publish; --jit: the plain build;
# --no-build: the last publish/build as it is; --ours PATH: that Engine.Host executable, not built here).
# --base PATH adds the client "base": another Engine.Host executable (e.g. main's publish,
# `dotnet publish Engine.Host/Engine.Host.csproj -c Release -r linux-x64 -o DIR` in main's tree), so that a change is
# measured against the build before it in the same run and rotation: --clients ours,base,libtorrent. The summary then
# also prints ours / base (efficiency and CPU-s).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
size=256; scenarios=A,D,B,C; clients=ours,libtorrent,aria2; repeat=1; jit=0; keep=""; build=1; ours_path=""; base_path=""
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mib) size=$2; shift ;;
    --scenarios) scenarios=$2; shift ;;
    --clients) clients=$2; shift ;;
    --repeat) repeat=$2; shift ;;
    --jit) jit=1 ;;
    --no-build) build=0 ;;
    --keep-logs) keep=$2; shift ;;
    --ours) ours_path=$2; shift ;;
    --base) base_path=$2; shift ;;
    -h|--help) sed -n '2,50p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
for sc in ${scenarios//,/ }; do case $sc in A|B|C|D|E) ;; *) echo "swarm-lab: unknown scenario $sc (A, B, C, D, E)" >&2; exit 2 ;; esac; done
for c in ${clients//,/ }; do case $c in ours|base|libtorrent|aria2|qbittorrent) ;; *) echo "swarm-lab: unknown client $c (ours, base, libtorrent, aria2, qbittorrent)" >&2; exit 2 ;; esac; done
case ",$clients," in *,base,*) [ -x "$base_path" ] || { echo "swarm-lab: the client base needs --base PATH (an Engine.Host executable)" >&2; exit 2; } ;; esac
[ -z "$ours_path" ] || [ -x "$ours_path" ] || { echo "swarm-lab: --ours $ours_path is not executable" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "swarm-lab: needs root (network namespaces, tc)" >&2; exit 2; }
command -v aria2c >/dev/null && [ -x /usr/bin/time ] && /usr/bin/python3 -c 'import libtorrent' 2>/dev/null \
  || { echo "swarm-lab: needs aria2, time, python3-libtorrent (apt-get install)" >&2; exit 2; }
case ",$clients," in *,qbittorrent,*) command -v qbittorrent-nox >/dev/null \
  || { echo "swarm-lab: the client qbittorrent needs qbittorrent-nox (apt-get install qbittorrent-nox)" >&2; exit 2; } ;; esac

id=$(( $$ % 100000 )); L="slab$id-l"; R="slab$id-r"
work=$(mktemp -d); pids=(); nss=("$L" "$R")
# The libtorrent script stops when its stdin ends: every libtorrent process reads a FIFO this script holds open.
mkfifo "$work/hold"; exec 3<>"$work/hold"
cleanup() {
  for p in "${pids[@]}"; do
    for c in $(pgrep -P "$p" 2>/dev/null); do kill "$c" 2>/dev/null || true; done
    kill "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  for n in "${nss[@]}"; do ip netns del "$n" 2>/dev/null || true; done
  if [ -n "$keep" ]; then mkdir -p "$keep"; cp "$work"/*.log "$work"/*.txt "$keep"/ 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "$ours_path" ]; then
  host=("$ours_path"); host_kind="$ours_path"
elif [ $jit -eq 1 ]; then
  [ $build -eq 0 ] || dotnet build Engine.Host/Engine.Host.csproj -c Release -nologo -v q >/dev/null
  host=(dotnet "$root/Engine.Host/bin/Release/net10.0/Engine.Host.dll"); host_kind="JIT build under dotnet"
else
  pub="$root/bench/results/engine-host-publish"
  [ $build -eq 0 ] || dotnet publish Engine.Host/Engine.Host.csproj -c Release -r linux-x64 -o "$pub" -nologo -v q >/dev/null
  host=("$pub/Engine.Host"); host_kind="self-contained ReadyToRun publish"
fi
lt_script="$root/Engine.Tests/Interop/Scripts/libtorrent_peer.py"
relay_script="$root/bench/SwarmLab/delay_relay.py"
bytes=$((size * 1024 * 1024))

mkdir -p "$work/seed"
head -c $bytes /dev/urandom > "$work/seed/data.bin"
"${host[@]}" create "$work/seed/data.bin" --tracker http://10.214.0.2:6969/announce -o "$work/t.torrent" >/dev/null

ns_up() { ip netns add "$1"; nss+=("$1"); ip -n "$1" link set lo up; }
no_offload() { ip netns exec "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1 || true; }
# Leecher and router, joined by one veth; the router's side carries every seeder's shaped upload.
ns_up "$L"; ns_up "$R"
ip link add "rl$id" netns "$R" type veth peer name "lr$id" netns "$L"
ip -n "$R" addr add 10.214.0.1/24 dev "rl$id"; ip -n "$L" addr add 10.214.0.2/24 dev "lr$id"
ip -n "$R" link set "rl$id" up; ip -n "$L" link set "lr$id" up
ip -n "$L" route add 10.214.0.0/16 via 10.214.0.1
no_offload "$R" "rl$id"; no_offload "$L" "lr$id"
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
# The router's shaping, rebuilt for each scenario (E splits the seeders' classes, the others do not).
reset_shaping() {
  ip netns exec "$R" tc qdisc del dev "rl$id" root 2>/dev/null || true
  ip netns exec "$R" tc qdisc add dev "rl$id" root handle 1: htb default 999
  ip netns exec "$R" tc class add dev "rl$id" parent 1: classid 1:999 htb rate 10gbit quantum 60000
}
maxseeders=8; case ",$scenarios," in *,E,*) maxseeders=30 ;; esac
for i in $(seq 0 $((maxseeders - 1))); do
  s="slab$id-s$i"; ns_up "$s"
  ip link add "rs$i-$id" netns "$R" type veth peer name "sr$i-$id" netns "$s"
  ip -n "$R" addr add 10.214.$((i + 1)).1/24 dev "rs$i-$id"; ip -n "$s" addr add 10.214.$((i + 1)).2/24 dev "sr$i-$id"
  ip -n "$R" link set "rs$i-$id" up; ip -n "$s" link set "sr$i-$id" up
  ip -n "$s" route add default via 10.214.$((i + 1)).1
  no_offload "$R" "rs$i-$id"; no_offload "$s" "sr$i-$id"
  ip -n "$L" addr add 10.214.100.$((i + 1))/32 dev lo
  if [ $maxseeders -gt 8 ]; then  # E: competitor k's relays, 10.214.<100+k>.<i+1>
    for k in 1 2 3; do ip -n "$L" addr add 10.214.$((100 + k)).$((i + 1))/32 dev lo; done
  fi
done
# E: competitor k's relays dial the seeders from 10.214.0.<10+k>, so that the router can tell the leechers apart.
if [ $maxseeders -gt 8 ]; then for k in 1 2 3; do ip -n "$L" addr add 10.214.0.$((10 + k))/32 dev "lr$id"; done; fi
rx() { ip netns exec "$L" cat "/sys/class/net/lr$id/statistics/rx_bytes"; }

# Seeder i's upload: an htb class at its rate (a bfifo of ~25 ms of it, at least 64 KB: a modest uplink buffer).
# E (competitors > 0): the class is split per leecher — a child class each (rate 1/4, ceil all of it, its own bfifo of
# that size), told apart by the address its relay dials from (10.214.0.2 measured, 10.214.0.<10+k> competitor k) —
# so that the seeder's upload is shared per leecher as fair queueing would share it. With one bfifo the four TCP
# flows shared it by start order instead: the relay ends TCP next to the seeder, so the seeder's flows see a round
# trip of ~0 plus the queue, and a flow that lost a burst sat in RTO backoff (200 ms minimum) at a cwnd of 1-8 for
# the whole run (ss -ti) while the others ran at 40-80; whichever leecher connected first or last won or lost by up to
# 2.5 x. The kernel has no sfq / fq / fq_codel to do this per flow.
shape() {
  local i=$1 mbit=$2 limit k dst child
  limit=$(( mbit * 1000000 / 8 / 40 )); [ $limit -lt 65536 ] && limit=65536
  ip netns exec "$R" tc class replace dev "rl$id" parent 1: classid 1:$((i + 10)) htb rate "${mbit}mbit" ceil "${mbit}mbit" quantum 1514
  if [ "$competitors" -eq 0 ]; then
    ip netns exec "$R" tc qdisc replace dev "rl$id" parent 1:$((i + 10)) handle $((i + 10)): bfifo limit $limit
    ip netns exec "$R" tc filter replace dev "rl$id" parent 1: protocol ip prio 1 handle 800::$((i + 10)) u32 \
      match ip src 10.214.$((i + 1)).2/32 match ip sport 6881 0xffff flowid 1:$((i + 10))
    return
  fi
  for k in $(seq 0 "$competitors"); do
    child=$((k + 1))$(printf '%02d' $((i + 10))); dst=10.214.0.$([ "$k" -eq 0 ] && echo 2 || echo $((10 + k)))
    ip netns exec "$R" tc class replace dev "rl$id" parent 1:$((i + 10)) classid 1:$child htb \
      rate "$((mbit * 1000 / (competitors + 1)))kbit" ceil "${mbit}mbit" quantum 1514
    ip netns exec "$R" tc qdisc replace dev "rl$id" parent 1:$child handle $child: bfifo limit $limit
    ip netns exec "$R" tc filter replace dev "rl$id" parent 1: protocol ip prio 1 handle 800::$child u32 \
      match ip src 10.214.$((i + 1)).2/32 match ip sport 6881 0xffff match ip dst $dst/32 flowid 1:$child
  done
}

declare -A seeder_pid
start_seeder() {
  local i=$1 log="$work/seeder$1.log"
  : > "$log"
  ip netns exec "slab$id-s$i" taskset -c 0 /usr/bin/python3 -u "$lt_script" --torrent "$work/t.torrent" \
    --save-path "$work/seed" --port 6881 --host 10.214.$((i + 1)).2 --mode seed --no-tracker --interval 5 < "$work/hold" > "$log" 2>&1 &
  seeder_pid[$i]=$!; pids+=($!)
}
wait_seeding() {
  for i in "$@"; do
    for _ in $(seq 1 240); do grep -q '"seeding"' "$work/seeder$i.log" && break; sleep 0.25; done
    grep -q '"seeding"' "$work/seeder$i.log" || { echo "swarm-lab: seeder $i did not start" >&2; tail -3 "$work/seeder$i.log" >&2; exit 1; }
  done
}
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# Leecher command lines; $1 = output directory, the peers are the relays.
leech_cmd() {
  local client=$1 out=$2 peers=()
  case $client in
    ours|base) for i in $(seq 1 "$n"); do peers+=(--peer 10.214.100.$i:6881); done
          local exe=("${host[@]}"); [ "$client" = ours ] || exe=("$base_path")
          cmd=("${exe[@]}" download "$work/t.torrent" -o "$out" --port 6882 --bind 10.214.0.2 --status-interval 1s "${peers[@]}") ;;
    libtorrent) for i in $(seq 1 "$n"); do peers+=(--connect 10.214.100.$i:6881); done
          cmd=(/usr/bin/python3 -u "$lt_script" --torrent "$work/t.torrent" --save-path "$out" --port 6882 --host 10.214.0.2
               --mode leech --interval 1 "${peers[@]}") ;;
    aria2) cmd=(aria2c --enable-dht=false --enable-dht6=false --bt-enable-lpd=false --enable-peer-exchange=false
               --disable-ipv6=true --listen-port=6882 "--dir=$out" --file-allocation=none --allow-overwrite=true
               --summary-interval=1 --console-log-level=notice --show-console-readout=false --enable-color=false
               --seed-time=0 --max-overall-upload-limit=0 --max-overall-download-limit=0 "$work/t.torrent") ;;
    qbittorrent) qbt_profile "$out"
          cmd=(qbittorrent-nox "--profile=$work/qbt" --webui-port=18089 "--save-path=$out" --skip-dialog=true "$work/t.torrent") ;;
  esac
}

# A fresh qBittorrent profile per run (no resume data from the last one): its defaults (encryption allowed, 500
# requests per peer...) but DHT, PeX, LSD and port forwarding off, TCP only (the relays carry no UDP: with uTP allowed
# it dialled each relay over uTP first and over TCP 4.0 s after the tracker's answer), the peer port 6882, the legal
# notice accepted, and a run-on-finish program that writes when the torrent finished to $work/qbt-done (run_client
# stops it then).
qbt_profile() {
  rm -rf "$work/qbt" "$work/qbt-done"; mkdir -p "$work/qbt/qBittorrent/config"
  printf '#!/bin/sh\ndate +%%s.%%N > "%s/qbt-done.tmp" && mv "%s/qbt-done.tmp" "%s/qbt-done"\n' "$work" "$work" "$work" > "$work/qbt-finished.sh"
  chmod +x "$work/qbt-finished.sh"
  cat > "$work/qbt/qBittorrent/config/qBittorrent.conf" <<CONF
[LegalNotice]
Accepted=true

[AutoRun]
enabled=true
program=$work/qbt-finished.sh

[BitTorrent]
Session\DHTEnabled=false
Session\PeXEnabled=false
Session\LSDEnabled=false
Session\BTProtocol=TCP
Session\Port=6882
Session\DefaultSavePath=$1

[Preferences]
Connection\UPnP=false
WebUI\LocalHostAuth=false
CONF
}

relay_cpu() { awk 'END { print $5 + 0 }' "$work/relay-stats-$sc.txt"; }
# CPU 0's busy and total clock ticks so far (/proc/stat: everything but idle and iowait is busy, whoever ran).
cpu0_ticks() { awk '$1 == "cpu0" { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }
# CPU-seconds the live seeders have used (/proc/PID/stat utime + stime, in clock ticks).
seeders_cpu() {
  local p t=0 hz; hz=$(getconf CLK_TCK)
  for p in "${seeder_pid[@]}"; do
    t=$(( t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0) ))
  done
  awk -v t=$t -v hz="$hz" 'BEGIN { printf "%.2f\n", t / hz }'
}

# E's competing leechers: python3-libtorrent in the leecher's namespace on CPU 0, competitor k through relays k*n..
# (10.214.<100+k>.x, dialling from 10.214.0.<10+k>).
# They are started and checked (python and libtorrent loaded: seconds on the busy CPU 0) before the measured leecher,
# and told to connect (a "connect" line each on their own stdin FIFO) at its launch: all four start together. Not
# so, the measured one, quicker to start on CPU 1, connected ~0.6 s first, and its flow — alone in slow start into
# each seeder's short queue — lost hundreds of segments and sat at a cwnd of 1-8 behind the others' 40-80 for the
# whole run (ss -ti in a seeder's namespace): libtorrent as the measured client took 1.27-1.36 x its competitors' time.
# comp_end[k] = when competitor k exited (epoch seconds).
declare -A comp_pid=() comp_end=() comp_in=()
start_competitors() {
  local k fd
  comp_pid=(); comp_end=()
  for k in $(seq 1 "$competitors"); do
    rm -rf "$work/out-comp$k"; mkdir -p "$work/out-comp$k"
    [ -p "$work/comp$k.in" ] || mkfifo "$work/comp$k.in"
    exec {fd}<>"$work/comp$k.in"; comp_in[$k]=$fd
    ip netns exec "$L" taskset -c 0 /usr/bin/time -f "%U %S %M" -o "$work/time-comp$k.txt" /usr/bin/python3 -u "$lt_script" \
      --torrent "$work/t.torrent" --save-path "$work/out-comp$k" --port $((6882 + k)) --host 10.214.0.2 --mode leech \
      --no-tracker --interval 5 < "$work/comp$k.in" > "$work/leech-$sc-comp$k.log" 2>&1 &
    comp_pid[$k]=$!; pids+=($!)
  done
  for k in "${!comp_pid[@]}"; do
    for _ in $(seq 1 120); do grep -q '"checked"' "$work/leech-$sc-comp$k.log" && break; sleep 0.25; done
    grep -q '"checked"' "$work/leech-$sc-comp$k.log" || { echo "swarm-lab: competitor $k did not start" >&2; tail -3 "$work/leech-$sc-comp$k.log" >&2; exit 1; }
  done
}
go_competitors() {
  local k i
  for k in "${!comp_in[@]}"; do
    for i in $(seq 1 "$n"); do echo "connect 10.214.$((100 + k)).$i:6881"; done >&"${comp_in[$k]}"
  done
}
poll_competitors() {
  local k
  for k in "${!comp_pid[@]}"; do
    if [ -z "${comp_end[$k]:-}" ] && ! kill -0 "${comp_pid[$k]}" 2>/dev/null; then comp_end[$k]=$(date +%s.%N); fi
  done
}
# After the measured leecher: waits (bounded by the same limit) for the competitors, then writes $work/compete.txt:
# "wall/median-wall median-wall walls(a,b,c) all-complete seeders-share relay-share competitors-CPU-s span
# CPU-0-busy-share".
finish_competitors() {
  local client=$1 t0=$2 t1=$3 limit=$4 q0=$5 c0=$6 k0=$7 k c walls="" ok=1 ccpu=0 tend busy fd
  rm -f "$work/compete.txt"
  [ "$competitors" -gt 0 ] || return 0
  while [ ${#comp_end[@]} -lt "$competitors" ] && [ $(( ${t0%.*} + limit )) -ge "$(date +%s)" ]; do poll_competitors; sleep 0.05; done
  for k in "${!comp_pid[@]}"; do
    if [ -z "${comp_end[$k]:-}" ]; then
      echo "swarm-lab: competitor $k did not complete in ${limit} s" >&2
      for c in $(pgrep -P "${comp_pid[$k]}"); do kill "$c" 2>/dev/null || true; done
    fi
    wait "${comp_pid[$k]}" 2>/dev/null || true
    fd=${comp_in[$k]}; exec {fd}>&-; unset "comp_in[$k]"
    [ -n "${comp_end[$k]:-}" ] || comp_end[$k]=$(date +%s.%N)
    cmp -s "$work/seed/data.bin" "$work/out-comp$k/data.bin" || { ok=0; echo "swarm-lab: competitor $k's download is incomplete or differs" >&2; }
    walls="$walls $(awk -v a="$t0" -v b="${comp_end[$k]}" 'BEGIN { printf "%.2f", b - a }')"
    ccpu=$(awk -v c="$ccpu" '{ c += $1 + $2 } END { print c }' "$work/time-comp$k.txt")
    rm -rf "$work/out-comp$k"
  done
  tend=$(date +%s.%N)
  busy=$(echo "$k0 $(cpu0_ticks)" | awk '{ print ($4 > $2) ? ($3 - $1) / ($4 - $2) : 0 }')
  echo "$walls" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk -v w="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
    -v ok=$ok -v q="$(awk -v a="$q0" -v b="$(seeders_cpu)" 'BEGIN { print b - a }')" -v o="$(awk -v a="$c0" -v b="$(relay_cpu)" 'BEGIN { print b - a }')" \
    -v cc="$ccpu" -v busy="$busy" -v span="$(awk -v a="$t0" -v b="$tend" 'BEGIN { print b - a }')" -v mid="$(mid_share "$t0" "$t1")" '
    { v[++n] = $1 } END { m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2; l = v[1]; for (i = 2; i <= n; i++) l = l "," v[i]
      printf "%.3f %.2f %s %d %.2f %.2f %.2f %.2f %.2f %s\n", w / m, m, l, ok, q / span, o / span, cc, span, busy, mid }' > "$work/compete.txt"
}
# E: the measured leecher's bytes over a competitor's mean from 20 % to 80 % of its wall (the relay's once-a-second
# counts): its share once all four run, without its start and its end (docs/performance.md has what it measured).
mid_share() {
  awk -v a="$(awk -v t0="$1" -v t1="$2" 'BEGIN { printf "%.2f", t0 + 0.2 * (t1 - t0) }')" \
      -v b="$(awk -v t0="$1" -v t1="$2" 'BEGIN { printf "%.2f", t0 + 0.8 * (t1 - t0) }')" -v n="$n" -v k="$competitors" '
    $1 <= a { A[$2] = $3 } $1 <= b { B[$2] = $3 }
    END { for (i in B) { d = B[i] - A[i]; if (i + 0 < n) o += d; else c += d }
          if (c > 0) printf "%.3f", o / (c / k); else printf "-" }' "$work/relay-stats-$sc.txt"
}
# Sums over the relays' last stats lines: "bytes-to-leecher bytes-to-seeders" (%.0f: mawk's %d stops at 2^31 - 1, which
# the sums pass after 2 GiB, e.g. in the eighth 256 MiB run of a scenario).
relay_bytes() { awk -v n="$n" '$2 < n { c[$2] = $3; s[$2] = $4 } END { for (i in c) { a += c[i]; b += s[i] } printf "%.0f %.0f\n", a, b }' "$work/relay-stats-$sc.txt"; }

# One leecher run: prints "wall cpu relay-share complete MiB-beyond-payload messages-up connect first-byte outstanding-median outstanding-max start"; kills the seeders listed in kill_at when their threshold passes.
run_client() {
  local client=$1 out="$work/out-$1" tf="$work/time-$1.txt" log="$work/leech-$sc-$1.log"
  rm -rf "$out"; mkdir -p "$out"
  leech_cmd "$client" "$out"
  local rx0 c0 t0 t1 pid limit k
  local b0 s0 b1 s1
  local q0 k0
  start_competitors
  rx0=$(rx); c0=$(relay_cpu); read -r b0 s0 < <(relay_bytes); q0=$(seeders_cpu); k0=$(cpu0_ticks)
  t0=$(date +%s.%N)
  go_competitors
  ip netns exec "$L" taskset -c 1 /usr/bin/time -f "%U %S %M" -o "$tf" "${cmd[@]}" < "$work/hold" > "$log" 2>&1 &
  pid=$!; pids+=($pid)
  limit=$(awk -v i="$ideal" 'BEGIN { printf "%d", i * 10 + 60 }')
  local killed=()
  while kill -0 $pid 2>/dev/null; do
    if [ $(( ${t0%.*} + limit )) -lt "$(date +%s)" ]; then
      echo "swarm-lab: $client did not complete in ${limit} s" >&2
      for c in $(pgrep -P $pid); do kill "$c" 2>/dev/null || true; done
      break
    fi
    poll_competitors
    if [ "$client" = qbittorrent ] && [ -s "$work/qbt-done" ]; then
      for c in $(pgrep -P $pid); do kill "$c" 2>/dev/null || true; done
      break
    fi
    for k in "${!kill_at[@]}"; do
      if [ -z "${killed[$k]:-}" ] && [ $(( ($(rx) - rx0) * 100 )) -ge $(( ${kill_at[$k]} * bytes )) ]; then
        stop_pid "${seeder_pid[$k]}"; killed[$k]=1
      fi
    done
    sleep 0.05
  done
  wait $pid 2>/dev/null || true
  t1=$(date +%s.%N)
  [ "$client" != qbittorrent ] || [ ! -s "$work/qbt-done" ] || t1=$(cat "$work/qbt-done")
  finish_competitors "$client" "$t0" "$t1" "$limit" "$q0" "$c0" "$k0"
  local ok=1
  cmp -s "$work/seed/data.bin" "$out/data.bin" || ok=0
  [ $ok -eq 1 ] || { echo "swarm-lab: $client's download is incomplete or differs" >&2; tail -3 "$log" >&2; }
  sleep 1.1  # one more relay stats line
  read -r b1 s1 < <(relay_bytes)
  # The leecher's first connection (the relay's first accept since launch) and the first byte a seeder sent back.
  local first
  first=$(awk -v t0="$t0" -v n="$n" '$2 >= t0 && $3 < n && !($1 in m) { m[$1] = $2 - t0 }
    END { printf "%s %s\n", ("accept" in m) ? sprintf("%.3f", m["accept"]) : "-", ("first-byte" in m) ? sprintf("%.3f", m["first-byte"]) : "-" }' \
    "$work/relay-events.txt")
  # Requests outstanding per seeder, sampled each second while the seeder sends: requests that reached it (17-byte
  # units) minus blocks (16 397 bytes on the wire) that reached the leecher since launch; "median max" over the samples.
  local depth
  depth=$(awk -v t0="$t0" -v t1="$t1" -v relays="$n" '
    $2 >= relays { next }
    $1 < t0 { c0[$2] = $3; s0[$2] = $4; next }
    $1 <= t1 && $3 > c0[$2] + 0 { o = int(($4 - s0[$2]) / 17 - ($3 - c0[$2]) / 16397); v[++n] = o < 0 ? 0 : o }
    END { if (!n) { print "- -"; exit }
          for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
          print v[int((n + 1) / 2)], v[n] }' "$work/relay-stats-$sc.txt")
  # Beyond the payload: what the seeders sent over the torrent's size (mostly blocks received twice; the messages'
  # own headers are ~0.1 %); to the seeders: handshakes, interest, requests and cancels (17 bytes each).
  awk -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$(relay_cpu)" -v ok=$ok -v extra=$((b1 - b0 - bytes)) -v up=$((s1 - s0)) '
    { cpu = $1 + $2 } END { printf "%.3f %.2f %.2f %d %.2f %d\n", t1 - t0, cpu, (c1 - c0) / (t1 - t0), ok, extra / 1048576, up / 17 }' "$tf" \
    | tr -d '\n'; echo " $first $depth $t0"
  rm -rf "$out"
  for k in "${!killed[@]}"; do start_seeder "$k"; wait_seeding "$k"; done
}

summary="$work/summary.txt"; : > "$summary"
IFS=, read -r -a client_list <<< "$clients"
IFS=, read -r -a scenario_list <<< "$scenarios"
echo "swarm-lab: ${size} MiB, ours = $host_kind$([ -z "$base_path" ] || echo ", base = $base_path"), $(git rev-parse --short HEAD), $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
sidx=0
for sc in "${scenario_list[@]}"; do
  rates=(); rtts=(); declare -A kill_at=(); competitors=0
  case $sc in
    A) rates=(40 40 40 40 40 40 40 40); rtts=(60 60 60 60 60 60 60 60) ;;
    B) rates=(100 100 8 8 8 8 8 8); rtts=(20 20 200 200 200 200 200 200) ;;
    C) rates=(40 40 40 40 40 40 40 40); rtts=(60 60 60 60 60 60 60 60); kill_at=([0]=30 [1]=50 [2]=70) ;;
    D) rates=(200); rtts=(300) ;;
    E) rates=(4 4 4 4 4 4 4 4 4 4 8 8 8 8 8 8 8 8 8 8 16 16 16 16 16 16 16 16 40 40)
       rtts=(200 200 200 200 200 200 200 200 200 200 120 120 120 120 120 120 120 120 120 120 60 60 60 60 60 60 60 60 20 20)
       competitors=3 ;;
    *) echo "unknown scenario $sc" >&2; exit 2 ;;
  esac
  n=${#rates[@]}
  total=0; for r in "${rates[@]}"; do total=$((total + r)); done
  if [ $sc = C ]; then  # 30 % at the full rate, 20 % with one seeder fewer, 20 % with two, the last 30 % with five
    ideal=$(awk -v b=$bytes -v r="${rates[0]}" 'BEGIN { print b * 8 / 1e6 * (0.3 / (8 * r) + 0.2 / (7 * r) + 0.2 / (6 * r) + 0.3 / (5 * r)) }')
  else  # E: the fair share, all four leechers getting a quarter of the upload until they all finish together
    ideal=$(awk -v b=$bytes -v t=$total -v k=$((competitors + 1)) 'BEGIN { print k * b * 8 / 1e6 / t }')
  fi
  relays=(); others=(); reset_shaping
  for i in $(seq 0 $((n - 1))); do
    shape "$i" "${rates[$i]}"
    half=$(awk -v r="${rtts[$i]}" 'BEGIN { print r / 2 }')
    relays+=(--relay "10.214.100.$((i + 1)):6881=10.214.$((i + 1)).2:6881:$half@10.214.0.2")
    start_seeder "$i"
  done
  for k in $(seq 1 "$competitors"); do for i in $(seq 0 $((n - 1))); do
    others+=(--relay "10.214.$((100 + k)).$((i + 1)):6881=10.214.$((i + 1)).2:6881:$(awk -v r="${rtts[$i]}" 'BEGIN { print r / 2 }')@10.214.0.$((10 + k))")
  done; done
  : > "$work/relay.log"
  [ "$competitors" -eq 0 ] || relays+=("${others[@]}")  # E: relays n.. are the competitors' (same process, not counted)
  ip netns exec "$L" taskset -c 0 /usr/bin/python3 -u "$relay_script" "${relays[@]}" --tracker 10.214.0.2:6969 \
    --tracker-first "$n" --stats "$work/relay-stats-$sc.txt" --events "$work/relay-events.txt" > "$work/relay.log" 2>&1 &
  relay_pid=$!; pids+=($relay_pid)
  wait_seeding $(seq 0 $((n - 1)))
  for _ in $(seq 1 40); do grep -q ready "$work/relay.log" && break; sleep 0.25; done
  sleep 1.5
  printf '\nscenario %s: %s seeders, Mbit/s %s, RTT ms %s; %s %.2f s\n' "$sc" "$n" "${rates[*]}" "${rtts[*]}" \
    "$([ "$competitors" -gt 0 ] && echo "$competitors competing libtorrent leechers; fair-share ideal" || echo ideal)" "$ideal"
  for rep in $(seq 1 "$repeat"); do
    m=${#client_list[@]}; shift_by=$(( (sidx + rep - 1) % m ))
    for j in $(seq 0 $((m - 1))); do
      client=${client_list[$(( (j + shift_by) % m ))]}
      run_client "$client" > "$work/result.txt"   # not in a subshell: it restarts killed seeders
      read -r wall cpu share ok extra msgs conn fbyte dmed dmax start < "$work/result.txt"
      eff=$(awk -v i="$ideal" -v w="$wall" 'BEGIN { printf "%.3f", i / w }')
      printf '  %-10s %7.2f s  efficiency %s  CPU %5.2f s  relay %2.0f %% of CPU 0  beyond payload %6.2f MiB  up ~%d x 17 B  connect +%s s  first byte +%s s  outstanding per seeder %s (max %s)  load %s%s\n' \
        "$client" "$wall" "$eff" "$cpu" "$(awk -v s="$share" 'BEGIN { print s * 100 }')" "$extra" "$msgs" "$conn" "$fbyte" \
        "$dmed" "$dmax" "$(cut -d' ' -f1-3 /proc/loadavg)" \
        "$([ "$ok" = 1 ] || echo '  INCOMPLETE')"
      vs=-
      if [ -s "$work/compete.txt" ]; then
        read -r vs cmed cwalls cok sshare oshare ccpu span busy mid < "$work/compete.txt"
        printf '             vs %d competing libtorrent leechers: theirs %s s (median %s), %s / median %s, mid-run share %s of a competitor'"'"'s; CPU 0 over %.1f s: %.0f %% busy, of it seeders %.0f %%, relay %.0f %%, competitors %.2f CPU-s (%.0f %%)%s\n' \
          "$competitors" "${cwalls//,/ \/ }" "$cmed" "$client" "$vs" "$mid" "$span" "$(awk -v s="$busy" 'BEGIN { print s * 100 }')" "$(awk -v s="$sshare" 'BEGIN { print s * 100 }')" \
          "$(awk -v s="$oshare" 'BEGIN { print s * 100 }')" "$ccpu" \
          "$(awk -v c="$ccpu" -v s="$span" 'BEGIN { print c / s * 100 }')" "$([ "$cok" = 1 ] || echo '  A COMPETITOR IS INCOMPLETE')"
      fi
      echo "$sc $client $wall $eff $cpu $ok $start $vs" >> "$summary"
    done
  done
  ip netns exec "$R" tc -s class show dev "rl$id" > "$work/tc-classes-$sc.txt"  # with --keep-logs: what each class sent
  stop_pid $relay_pid
  for i in $(seq 0 $((n - 1))); do stop_pid "${seeder_pid[$i]}"; done
  sidx=$((sidx + 1))
done

echo
echo "| scenario | client | wall s | efficiency | CPU s | target |"
echo "|---|---|---|---|---|---|"
# Medians over the repeats; ours / libtorrent: efficiency ratio (> 1 = ours faster) and CPU ratio (< 1 = ours cheaper);
# E: each client's wall / the median competing libtorrent leecher's wall in the same run (<= 1 = never slower).
awk '
  function median(list,   a, k, i, j, t) {
    k = split(list, a, " ")
    for (i = 2; i <= k; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
  }
  { key = $1 " " $2; w[key] = w[key] " " $3; e[key] = e[key] " " $4; c[key] = c[key] " " $5; if (!$6) bad[key] = 1
    if ($8 != "" && $8 != "-") r[key] = r[key] " " $8
    if (!(key in seen)) { seen[key] = 1; order[++n] = key } }
  END {
    for (i = 1; i <= n; i++) {
      split(order[i], kc, " "); sc = kc[1]; cl = kc[2]; eff = median(e[order[i]]); goal = (sc == "D") ? 0.90 : 0.93
      verdict = ""
      if (cl == "ours") verdict = ((eff >= goal) ? "met" : "not met") " (>= " goal ")"
      if (order[i] in bad) verdict = verdict " INCOMPLETE"
      printf "| %s | %s | %.2f | %.3f | %.2f | %s |\n", sc, cl, median(w[order[i]]), eff, median(c[order[i]]), verdict
      E[sc " " cl] = eff; C[sc " " cl] = median(c[order[i]]); if (!(sc in S)) { S[sc] = 1; scs[++m] = sc }
    }
    for (i = 1; i <= m; i++) {
      sc = scs[i]
      if (!((sc " ours") in E) || !((sc " libtorrent") in E)) continue
      re = E[sc " ours"] / E[sc " libtorrent"]; rc = C[sc " ours"] / C[sc " libtorrent"]
      printf "%s: ours / libtorrent efficiency %.2f (never slower: %s), CPU-s %.2f (<= 1: %s)\n", sc, re,
        ((re >= 1) ? "met" : "not met"), rc, ((rc <= 1) ? "met" : "not met")
    }
    for (i = 1; i <= m; i++) {
      sc = scs[i]
      if ((sc " ours") in E && (sc " qbittorrent") in E)
        printf "%s: ours / qbittorrent efficiency %.2f (never slower: %s), CPU-s %.2f\n", sc, E[sc " ours"] / E[sc " qbittorrent"],
          ((E[sc " ours"] >= E[sc " qbittorrent"]) ? "met" : "not met"), C[sc " ours"] / C[sc " qbittorrent"]
    }
    for (i = 1; i <= m; i++) {
      sc = scs[i]
      if ((sc " base") in E && (sc " libtorrent") in E)
        printf "%s: base / libtorrent efficiency %.2f, CPU-s %.2f\n", sc, E[sc " base"] / E[sc " libtorrent"], C[sc " base"] / C[sc " libtorrent"]
      if ((sc " base") in E && (sc " ours") in E)
        printf "%s: ours / base efficiency %.2f, CPU-s %.2f\n", sc, E[sc " ours"] / E[sc " base"], C[sc " ours"] / C[sc " base"]
    }
    for (i = 1; i <= n; i++) if (order[i] in r) {
      split(order[i], kc, " "); v = median(r[order[i]])
      printf "%s: %s / median competing libtorrent leecher %.3f %s\n", kc[1], kc[2], v, (kc[2] == "libtorrent") \
        ? "(the control: the same client as the competitors, ~1)" : ("(never slower: " ((v <= 1) ? "met" : "not met") ")")
      V[order[i]] = v
    }
    # The measured seat is not quite neutral (CPU 1 vs the busy CPU 0): ours against the control cancels that out.
    for (i = 1; i <= m; i++) if (((scs[i] " ours") in V) && ((scs[i] " libtorrent") in V))
      printf "%s: ours / median competitor, over the control (libtorrent / median competitor) %.3f (<= 1: ours gains more on them)\n",
        scs[i], V[scs[i] " ours"] / V[scs[i] " libtorrent"]
  }' "$summary"
