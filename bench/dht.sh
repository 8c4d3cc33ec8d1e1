#!/usr/bin/env bash
# DHT figures (issue 15): the KRPC codec fuzzed (1 000 000 mutated packets by default), a node flooded with random
# queries (CPU per query, RSS against its start, a lookup afterwards), memory at 10 000 stored peers.
# usage: bench/dht.sh [--fuzz N] [--flood N] [--stored N]       (about a minute)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/Dht/Dht.csproj -c Release -nologo -v q
exec dotnet bench/Dht/bin/Release/net10.0/Engine.Bench.Dht.dll "$@"
