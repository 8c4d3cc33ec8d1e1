#!/usr/bin/env bash
# Builds Release and runs the benchmarks in one go, printing one results block at the end:
#   1. micro-benchmarks (bench/Micro, BenchmarkDotNet short job): frame decode, SHA-1 piece hashing, picker, bencode
#   2. leech benchmark (bench/Leech): our engine (Engine.Host process) vs python3-libtorrent, aria2c, transmission-cli
#      leeching from python3-libtorrent seeders on 127.0.0.1 — cases 1 (one seeder, one file and 100 files),
#      2 (eight seeders) and 4 (a 4x larger torrent: peak RSS against size)
#
# usage: bench/run.sh [--quick] [--skip-micro] [--skip-leech] [other Engine.Bench.Leech options, e.g. --repeat 3]
#   --quick   256 MiB data sets (case 4: 1 GiB); a couple of minutes. Default: 1 GiB (case 4: 4 GiB), needs ~11 GiB free.
# Data goes under $TMPDIR (default /tmp) and is deleted afterwards. Results: bench/results/<timestamp>/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

quick=0; micro=1; leech=1; leech_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; leech_args+=(--quick) ;;
    --skip-micro) micro=0 ;;
    --skip-leech) leech=0 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) leech_args+=("$1") ;;
  esac
  shift
done

# The real programs the leech benchmark runs, and GNU time (the shell keyword has no -f/-o).
need=()
[ -x /usr/bin/time ] || need+=(time)
/usr/bin/python3 -c 'import libtorrent' >/dev/null 2>&1 || need+=(python3-libtorrent)
command -v aria2c >/dev/null 2>&1 || need+=(aria2)
command -v transmission-cli >/dev/null 2>&1 || need+=(transmission-cli)
command -v opentracker >/dev/null 2>&1 || need+=(opentracker)
command -v mktorrent >/dev/null 2>&1 || need+=(mktorrent)
if [ ${#need[@]} -gt 0 ] && [ $leech -eq 1 ]; then
  echo "bench: installing ${need[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

tmp=${TMPDIR:-/tmp}
if [ $leech -eq 1 ]; then
  free_gib=$(( $(df -Pk "$tmp" | awk 'NR==2 {print $4}') / 1024 / 1024 ))
  want=11; [ $quick -eq 1 ] && want=4
  if [ "$free_gib" -lt "$want" ]; then
    echo "bench: only ${free_gib} GiB free under $tmp, the leech benchmark needs ${want} GiB (set TMPDIR, or use --quick)" >&2
    exit 1
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "bench: building Release"
dotnet build Engine.Host/Engine.Host.csproj -c Release -nologo -v q
dotnet build bench/Leech/Leech.csproj -c Release -nologo -v q
dotnet build bench/Micro/Micro.csproj -c Release -nologo -v q

out="$root/bench/results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
status=0

if [ $micro -eq 1 ]; then
  echo "bench: micro-benchmarks (log: $out/micro.log)"
  (cd "$out" && dotnet "$root/bench/Micro/bin/Release/net10.0/Engine.Bench.dll" --filter '*' --artifacts "$out/micro") >"$out/micro.log" 2>&1 || status=1
  tail -n 3 "$out/micro.log"
fi

if [ $leech -eq 1 ]; then
  echo "bench: leech benchmark (log: $out/leech.log)"
  dotnet bench/Leech/bin/Release/net10.0/Engine.Bench.Leech.dll \
    --engine-host Engine.Host/bin/Release/net10.0/Engine.Host.dll --report "$out/leech.md" ${leech_args[@]+"${leech_args[@]}"} \
    2>&1 | tee "$out/leech.log" | grep --line-buffered -E '^\[' || true
  if [ ! -f "$out/leech.md" ] || grep -q FAILED "$out/leech.md"; then status=1; fi
fi

echo
echo "==================================== results ===================================="
if [ $micro -eq 1 ]; then
  echo "Micro-benchmarks (BenchmarkDotNet, short job; MB/s = 10^6 B/s):"
  for f in "$out"/micro/results/*-report-github.md; do
    [ -f "$f" ] || continue
    # The class name, then its table rows without the environment header or markdown bold.
    name=$(basename "$f" -report-github.md); echo "  ${name##*.}"
    grep -E '^\|' "$f" | grep -v -- '---' | sed -e 's/\*\*//g' -e 's/^/    /'
  done
  echo
fi
if [ $leech -eq 1 ] && [ -f "$out/leech.md" ]; then
  cat "$out/leech.md"
elif [ $leech -eq 1 ]; then
  echo "leech benchmark failed: see $out/leech.log"
fi
if [ $leech -eq 0 ]; then
  echo "Not yet measured (TODO): case 3 (seeding: bench/Seeding), case 5 (1000 idle torrents)"
fi
echo "(full logs: $out)"
exit $status
