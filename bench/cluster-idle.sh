#!/usr/bin/env bash
# Cluster overhead (issue 19's figures): --nodes `node` processes on 127.0.0.1 holding no torrents, started at once and
# finding each other through --cluster-discovery config (--seeds: static seeds instead, the first node starting the
# cluster). Prints how long each took to list all of them as members, then, after --settle seconds, each node's CPU
# over --seconds (CPU-seconds a minute) and its RSS; then the same for one node alone (a cluster of one) and for
# `seed` of one 1 MiB torrent (an engine without any cluster; its tracker a closed port on 127.0.0.1), to compare.
# DHT, local discovery and port mapping are off: nothing leaves the machine.
# usage: bench/cluster-idle.sh [--nodes 3] [--seconds 60] [--settle 15] [--seeds]
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=3 seconds=60 settle=15 seeds=0
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --settle) settle=$2; shift 2 ;;
    --seeds) seeds=1; shift ;;
    *) echo "cluster-idle: unknown option $1" >&2; exit 2 ;;
  esac
done
dotnet build Engine.Host/Engine.Host.csproj -c Release -nologo -v q >/dev/null
host=Engine.Host/bin/Release/net10.0/Engine.Host.dll
work=$(mktemp -d "${TMPDIR:-/tmp}/cluster-idle.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_ports() { python3 -c "
import socket; s=[socket.socket() for _ in range($1)]
[x.bind(('127.0.0.1', 0)) for x in s]; print(' '.join(str(x.getsockname()[1]) for x in s))"; }

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mib() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

# run <count> <label>: starts the nodes, waits for every one to list <count> members, measures, stops them.
run() {
  local count=$1 label=$2 ports i args start
  read -r -a ports <<< "$(free_ports "$count")"
  printf '{ "ClusterDiscovery": { "Service": "nodes", "Endpoints": [%s] } }\n' \
    "$(printf '"127.0.0.1:%s",' "${ports[@]}" | sed 's/,$//')" > "$work/config.json"
  pids=()
  start=$(date +%s.%N)
  for i in $(seq 0 $((count - 1))); do
    args=(node --cluster-port "${ports[$i]}" --data "$work/$label-$i" --port 0 --no-dht --no-lsd --no-port-mapping --status-interval 1s)
    if [ "$seeds" = 0 ]; then args+=(--cluster-discovery config --config "$work/config.json")
    elif [ "$i" -gt 0 ]; then args+=(--cluster-seed "127.0.0.1:${ports[0]}"); fi
    XDG_STATE_HOME="$work/state-$label-$i" dotnet "$host" "${args[@]}" > "$work/$label-$i.log" 2>&1 &
    pids+=($!)
  done
  for i in $(seq 0 $((count - 1))); do
    local deadline=$(( $(date +%s) + 120 ))
    until grep -q "members $count:" "$work/$label-$i.log"; do
      if [ "$(date +%s)" -gt "$deadline" ]; then echo "cluster-idle: node $i never listed $count members" >&2; tail -5 "$work/$label-$i.log" >&2; exit 1; fi
      sleep 0.1
    done
    printf '%s node %d: %d members listed %.1f s after the start\n' "$label" "$i" "$count" "$(echo "$(date +%s.%N) - $start" | bc)"
  done
  measure "$label node" "${pids[@]}"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
}

# measure <label> <pid>...: CPU over --seconds after --settle, and RSS.
measure() {
  local label=$1; shift
  local ps=("$@") before=() i after
  sleep "$settle"
  for p in "${ps[@]}"; do before+=("$(cpu_ticks "$p")"); done
  sleep "$seconds"
  for i in "${!ps[@]}"; do
    after=$(cpu_ticks "${ps[$i]}")
    printf '%s %d: idle %.2f CPU-s/min, RSS %s MiB\n' "$label" "$i" \
      "$(echo "($after - ${before[$i]}) / $ticks * 60 / $seconds" | bc -l)" "$(rss_mib "${ps[$i]}")"
  done
}

run "$nodes" "cluster-of-$nodes"
run 1 "alone"

mkdir -p "$work/seed-data" && head -c 1048576 /dev/urandom > "$work/seed-data/one.bin"
dotnet "$host" create "$work/seed-data/one.bin" -t udp://127.0.0.1:9/announce -o "$work/one.torrent" >/dev/null
XDG_STATE_HOME="$work/state-seed" dotnet "$host" seed "$work/one.torrent" -d "$work/seed-data" --port 0 --no-dht --no-lsd --no-port-mapping > "$work/seed.log" 2>&1 &
pids=($!)
measure "seed, no cluster" "${pids[0]}"
