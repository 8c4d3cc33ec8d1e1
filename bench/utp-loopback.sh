#!/usr/bin/env bash
# uTP against TCP on loopback, ours to ours (issue 16: "uTP leech on loopback vs our TCP leech, same run, >= 0.8x").
# Runs --pairs alternating downloads of one --size-mib file from our seeder on 127.0.0.1, one over uTP only and one
# over TCP only, the seeder pinned to CPU 0 and the leecher to CPU 1, each a new process of the published host; checks
# every download byte-exact (each starts after a sync, so no earlier write-back runs during it); prints each download (MiB/s from the leecher's start to its exit, the leecher's user and
# system CPU seconds) and the ratio uTP/TCP per pair and over all pairs (total TCP time / total uTP time).
#   bench/utp-loopback.sh [--pairs 5] [--size-mib 512] [--host PATH] [--default-rmem]
# --host: an Engine.Host executable or .dll (default: publish this tree to a temp dir, about 3 minutes).
# --default-rmem: run with Linux's default net.core.rmem_max/wmem_max (212992: our UDP socket then gets 416 KB
#   instead of the 4 MiB it asks for), restored at the end (needs root).
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=5; size=512; host=; default_rmem=0
while [ $# -gt 0 ]; do
  case "$1" in
    --pairs) pairs=$2; shift ;;
    --size-mib) size=$2; shift ;;
    --host) host=$2; shift ;;
    --default-rmem) default_rmem=1 ;;
    -h|--help) sed -n "2,10p" "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
command -v taskset > /dev/null || { echo "utp-loopback: taskset is missing: apt-get install util-linux" >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "utp-loopback: needs two CPUs (seeder and leecher pinned apart)" >&2; exit 2; }

work=$(mktemp -d); seeder=; rmem=; wmem=
cleanup() {
  [ -n "$seeder" ] && kill "$seeder" 2>/dev/null && wait "$seeder" 2>/dev/null || true
  [ -n "$rmem" ] && sysctl -qw net.core.rmem_max="$rmem" net.core.wmem_max="$wmem" || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "$host" ]; then
  echo "utp-loopback: publishing the host (Release, linux-x64)..." >&2
  dotnet publish Engine.Host/Engine.Host.csproj -c Release -r linux-x64 -o "$work/host" -nologo -v q > /dev/null
  host="$work/host/Engine.Host"
fi
engine=("$host"); [[ $host == *.dll ]] && engine=(dotnet "$host")
if [ "$default_rmem" = 1 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "utp-loopback: --default-rmem needs root" >&2; exit 2; }
  rmem=$(sysctl -n net.core.rmem_max); wmem=$(sysctl -n net.core.wmem_max)
  sysctl -qw net.core.rmem_max=212992 net.core.wmem_max=212992
fi

mkdir -p "$work/seed"
head -c $((size * 1024 * 1024)) /dev/urandom > "$work/seed/data.bin"
"${engine[@]}" create "$work/seed/data.bin" --tracker http://127.0.0.1:1/announce -o "$work/t.torrent" > /dev/null
port=$((20000 + RANDOM % 20000))

# One download over $1 (only|disabled); prints "seconds user sys".
download() {
  local utp=$1
  rm -rf "$work/out"
  sync # the last download's (or the data's) dirty pages are written back now, not during this one
  taskset -c 0 "${engine[@]}" seed "$work/t.torrent" --data "$work/seed" --port "$port" --bind 127.0.0.1 --utp "$utp" \
    > "$work/seed.log" 2>&1 &
  seeder=$!
  sleep 2.5
  local s e
  s=$(date +%s.%N)
  if ! /usr/bin/time -f "%U %S" -o "$work/cpu" timeout 300 taskset -c 1 "${engine[@]}" download "$work/t.torrent" \
      -o "$work/out" --port $((port + 1)) --bind 127.0.0.1 --peer 127.0.0.1:"$port" --utp "$utp" > "$work/leech.log" 2>&1; then
    echo "utp-loopback: the download (--utp $utp) failed:" >&2; tail -5 "$work/leech.log" >&2; exit 1
  fi
  e=$(date +%s.%N)
  kill "$seeder"; wait "$seeder" 2>/dev/null || true; seeder=
  cmp -s "$work/seed/data.bin" "$work/out/data.bin" || { echo "utp-loopback: the download (--utp $utp) is not byte-exact" >&2; exit 1; }
  echo "$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }') $(tail -1 "$work/cpu")"
}

echo "ours -> ours on 127.0.0.1, $size MiB, seeder on CPU 0, leecher on CPU 1, rmem_max $(sysctl -n net.core.rmem_max), load $(cut -d' ' -f1-3 /proc/loadavg)"
total_utp=0; total_tcp=0
for i in $(seq 1 "$pairs"); do
  read -r tu uu su < <(download only)
  read -r tt ut st < <(download disabled)
  total_utp=$(awk -v a="$total_utp" -v b="$tu" 'BEGIN { print a + b }')
  total_tcp=$(awk -v a="$total_tcp" -v b="$tt" 'BEGIN { print a + b }')
  awk -v i="$i" -v n="$size" -v tu="$tu" -v uu="$uu" -v su="$su" -v tt="$tt" -v ut="$ut" -v st="$st" 'BEGIN {
    printf "pair %d: uTP %.0f MiB/s (leecher %.2f + %.2f CPU-s), TCP %.0f MiB/s (%.2f + %.2f): %.2fx\n",
      i, n / tu, uu, su, n / tt, ut, st, tt / tu }'
done
awk -v a="$total_utp" -v b="$total_tcp" -v p="$pairs" 'BEGIN { printf "over %d pairs: uTP/TCP %.2fx (target >= 0.8x)\n", p, b / a }'
