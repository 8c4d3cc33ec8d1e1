#!/usr/bin/env bash
# Builds Release and runs the benchmarks of issue 6 in one go, printing one results block at the end:
#   micro-benchmarks (bench/Micro, BenchmarkDotNet short job): frame decode, SHA-1 piece hashing, picker, bencode
#   cases 1, 2, 4 (bench/Leech): our engine (Engine.Host process) vs python3-libtorrent, aria2c, transmission-cli
#      leeching from python3-libtorrent seeders on 127.0.0.1 — 1: one seeder, one file and 100 files;
#      2: eight seeders; 4: a 4x larger torrent (peak RSS against size)
#   case 3 (bench/Seeding): our Engine.Host seeding to a python3-libtorrent leecher, then libtorrent seeding the same
#      (three runs each, alternating, median shown; --repeat N sets both this and the leech benchmark's repeat,
#      which is also 3 by default: single runs on a 2-core machine swing by +-15 %)
#   case 5 (bench/Idle): 1000 small torrents loaded and seeding, idle: RSS and CPU-seconds per minute, ours vs libtorrent
# and a summary with every target of every case, met / not met.
# Ours is Engine.Host as it ships: published self-contained composite ReadyToRun (linux-x64); --jit measures the plain
# `dotnet build` output instead (also the fallback when the publish fails, e.g. no runtime pack).
#
# usage: bench/run.sh [--quick] [--jit] [--skip-micro] [--skip-leech] [--skip-seeding] [--skip-idle]
#                     [--repeat N] [other Engine.Bench.Leech options, e.g. --cases 1]
#   --quick   256 MiB data sets (case 4: 1 GiB; case 5: 20 s sampled); 10-15 minutes.
#             Default: 1 GiB (case 4: 4 GiB; case 5: 60 s), needs ~11 GiB free; about 25 minutes.
# Data goes under $TMPDIR (default /tmp) and is deleted afterwards. Results: bench/results/<timestamp>/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

quick=0; micro=1; leech=1; seeding=1; idle=1; jit=0; leech_args=(); quick_args=(); seeding_repeat=3; repeat_given=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; leech_args+=(--quick); quick_args=(--quick) ;;
    --jit) jit=1 ;;
    --skip-micro) micro=0 ;;
    --skip-leech) leech=0 ;;
    --skip-seeding) seeding=0 ;;
    --skip-idle) idle=0 ;;
    --repeat) leech_args+=("$1" "$2"); seeding_repeat="$2"; repeat_given=1; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) leech_args+=("$1") ;;
  esac
  shift
done

# Every client of every case runs three times (rotating order) unless told otherwise; the median run is reported.
[ $repeat_given -eq 1 ] || leech_args+=(--repeat 3)

# The real programs the leech benchmark runs, and GNU time (the shell keyword has no -f/-o).
need=()
[ -x /usr/bin/time ] || need+=(time)
/usr/bin/python3 -c 'import libtorrent' >/dev/null 2>&1 || need+=(python3-libtorrent)
command -v aria2c >/dev/null 2>&1 || need+=(aria2)
command -v transmission-cli >/dev/null 2>&1 || need+=(transmission-cli)
command -v opentracker >/dev/null 2>&1 || need+=(opentracker)
command -v mktorrent >/dev/null 2>&1 || need+=(mktorrent)
if [ ${#need[@]} -gt 0 ] && [ $((leech + seeding + idle)) -gt 0 ]; then
  echo "bench: installing ${need[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

tmp=${TMPDIR:-/tmp}
if [ $((leech + seeding)) -gt 0 ]; then
  free_gib=$(( $(df -Pk "$tmp" | awk 'NR==2 {print $4}') / 1024 / 1024 ))
  want=11; [ $quick -eq 1 ] && want=4
  if [ "$free_gib" -lt "$want" ]; then
    echo "bench: only ${free_gib} GiB free under $tmp, the leech benchmark needs ${want} GiB (set TMPDIR, or use --quick)" >&2
    exit 1
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out="$root/bench/results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
status=0

echo "bench: building Release"
dotnet build Engine.Host/Engine.Host.csproj -c Release -nologo -v q
dotnet build bench/Leech/Leech.csproj -c Release -nologo -v q
dotnet build bench/Micro/Micro.csproj -c Release -nologo -v q
dotnet build bench/Seeding/SeedingBench.csproj -c Release -nologo -v q
dotnet build bench/Idle/Idle.csproj -c Release -nologo -v q
host="$root/Engine.Host/bin/Release/net10.0/Engine.Host.dll"; host_kind="JIT (dotnet build output)"
if [ $jit -eq 0 ]; then
  # As it ships: `dotnet publish -r linux-x64` = self-contained composite ReadyToRun (Engine.Host.csproj; measured:
  # start-up 0.3 s instead of ~1 s, and 10-20 % less user CPU than framework-dependent ReadyToRun). Needs the
  # runtime and crossgen2 packs from NuGet (about 2 minutes on 2 cores); without them, measure the JIT build and say so.
  r2r="$root/bench/results/engine-host-publish"
  rm -rf "$r2r"
  if dotnet publish Engine.Host/Engine.Host.csproj -c Release -r linux-x64 -o "$r2r" -nologo -v q >"$out/publish.log" 2>&1; then
    host="$r2r/Engine.Host.dll"; host_kind="self-contained composite ReadyToRun (dotnet publish Engine.Host -c Release -r linux-x64), run as its own executable"
  else
    echo "bench: the ReadyToRun publish failed (see $out/publish.log); measuring the JIT build"
  fi
fi
echo "bench: ours = $host_kind"

if [ $micro -eq 1 ]; then
  echo "bench: micro-benchmarks (log: $out/micro.log)"
  (cd "$out" && dotnet "$root/bench/Micro/bin/Release/net10.0/Engine.Bench.dll" --filter '*' --artifacts "$out/micro") >"$out/micro.log" 2>&1 || status=1
  tail -n 3 "$out/micro.log"
fi

if [ $leech -eq 1 ]; then
  echo "bench: leech benchmark (log: $out/leech.log)"
  dotnet bench/Leech/bin/Release/net10.0/Engine.Bench.Leech.dll \
    --engine-host "$host" --report "$out/leech.md" ${leech_args[@]+"${leech_args[@]}"} \
    2>&1 | tee "$out/leech.log" | grep --line-buffered -E '^\[' || true
  if [ ! -f "$out/leech.md" ] || grep -q FAILED "$out/leech.md"; then status=1; fi
fi

if [ $seeding -eq 1 ]; then
  echo "bench: case 3, seeding (log: $out/seeding.log)"
  dotnet bench/Seeding/bin/Release/net10.0/SeedingBench.dll ${quick_args[@]+"${quick_args[@]}"} --repeat "$seeding_repeat" --engine-host "$host" --report "$out/seeding.md" \
    >"$out/seeding.log" 2>&1 || status=1
  grep -E '^(-- |   [0-9]+ MB in)' "$out/seeding.log" | paste - - || true
fi

if [ $idle -eq 1 ]; then
  echo "bench: case 5, 1000 idle torrents (log: $out/idle.log)"
  dotnet bench/Idle/bin/Release/net10.0/Engine.Bench.Idle.dll ${quick_args[@]+"${quick_args[@]}"} --report "$out/idle.md" \
    2>&1 | tee "$out/idle.log" | grep --line-buffered -E '^\[' || true
  [ -f "$out/idle.md" ] && ! grep -q FAILED "$out/idle.md" || status=1
fi

echo
echo "==================================== results ===================================="
echo "ours = Engine.Host, $host_kind"
echo
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
echo
if [ $seeding -eq 1 ] && [ -f "$out/seeding.md" ]; then cat "$out/seeding.md"; echo
elif [ $seeding -eq 1 ]; then echo "case 3 (seeding) failed: see $out/seeding.log"; echo; fi
if [ $idle -eq 1 ] && [ -f "$out/idle.md" ]; then cat "$out/idle.md"; echo
elif [ $idle -eq 1 ]; then echo "case 5 (idle) failed: see $out/idle.log"; echo; fi

# Every target of every case, from the reports' "- case N ...: ... — met / NOT MET" lines.
echo "Summary: issue 6 targets"
echo
echo "| case | target and figures | result |"
echo "|---|---|---|"
for c in 1 2 3 4 5; do
  case $c in 1|2|4) f="$out/leech.md"; ran=$leech ;; 3) f="$out/seeding.md"; ran=$seeding ;; 5) f="$out/idle.md"; ran=$idle ;; esac
  # A leech case left out by --cases was not run (its log has no "case N" line), not failed.
  if [ "$ran" -eq 1 ] && [ "$f" = "$out/leech.md" ] && ! grep -q "case $c " "$out/leech.log" 2>/dev/null; then ran=0; fi
  lines=""
  [ -f "$f" ] && lines=$(grep -E "^- case $c[ :(]" "$f" || true)
  if [ -z "$lines" ]; then
    if [ "$ran" -eq 0 ]; then echo "| $c | not run (skipped) | – |"; else echo "| $c | no result (the run failed, see the logs) | NOT MET |"; fi
    continue
  fi
  while IFS= read -r l; do
    body=${l#- case $c}; body=${body#:}; body=${body# }
    case "$l" in
      *"— met") echo "| $c | ${body% — met} | met |" ;;
      *"— NOT MET"*) echo "| $c | ${body%% — NOT MET*} | NOT MET |" ;;
      *) echo "| $c | $body | (no target) |" ;;
    esac
  done <<<"$lines"
done
echo
echo "(full logs: $out)"
exit $status
