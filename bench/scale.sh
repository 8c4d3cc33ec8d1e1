#!/usr/bin/env bash
# Scale benchmark (issue 20, target 6): 20 torrents active at once, 25 python3-libtorrent peers each (500
# connections; 5 processes x 5 sessions, every session holding every torrent, all on 127.0.0.1), our engine (the
# TorrentEngine API in the bench's own process, JIT) first leeching all 20 from libtorrent seeders, then seeding them
# to as many libtorrent leechers for --up-seconds. Every --interval-ms (250) it samples every actor's mailbox depth
# (Akka's ICell.NumberOfMessages, walked from /user), each outbound socket actor's bytes queued to send, the engine's
# disk budget in flight and the .NET thread pool's queue, and prints per kind of actor the max (and when), p99, p99.9
# and whether the total kept growing (last third of the time every torrent was active against the middle third), what
# deep mailboxes held, with aggregate MB/s, CPU-seconds of ours and of libtorrent, peak RSS, GC counts and the load.
# usage: bench/scale.sh [--pin] [--direction down|up|both] [--torrents 20] [--peers 25] [--sessions-per-process 5]
#                       [--size-mib 128] [--piece-kib 256] [--up-seconds 40] [--interval-ms 250] [--report out.md]
#                       [--pool-root]
#   --report  the report in markdown, and every sample (phase, kind, seconds, actors, total, max) beside it as out.csv
#   --pin   libtorrent on CPU 0, ours on CPU 1 (taskset), as bench/run.sh's leech benchmark
#   --pool-root  the engine's root actor on the thread pool, as before it had a thread of its own (to compare:
#                docs/performance.md, 2026-12-05 15:47)
# About 2 minutes at the defaults (2.5 GiB of data under $TMPDIR, twice: seeders' and ours; deleted afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
/usr/bin/python3 -c 'import libtorrent' >/dev/null 2>&1 || { echo "scale: apt-get install python3-libtorrent" >&2; exit 1; }
command -v mktorrent >/dev/null 2>&1 || { echo "scale: apt-get install mktorrent" >&2; exit 1; }
dotnet build bench/Scale/Scale.csproj -c Release -nologo -v q
exec dotnet bench/Scale/bin/Release/net10.0/Engine.Bench.Scale.dll "$@"
