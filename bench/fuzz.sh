#!/usr/bin/env bash
# Longer fuzzing runs of every codec (Engine.Tests/Fuzz): the same targets and oracles the suite runs for 2 s each,
# here for FUZZ_SECONDS (default 60) each, with a fresh seed, keeping the inputs that reached a new outcome in
# Engine.Tests/Fuzz/Corpus/<target>/ (commit the ones worth keeping: every suite run replays them first).
#   bench/fuzz.sh                 # 60 s per target, a random seed
#   FUZZ_SECONDS=600 bench/fuzz.sh
#   bench/fuzz.sh --filter magnet # one target
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_SECONDS="${FUZZ_SECONDS:-60}" FUZZ_SEED="${FUZZ_SEED:-$RANDOM}" FUZZ_SAVE="${FUZZ_SAVE:-1}"
filter="FullyQualifiedName~Engine.Tests.Fuzz.CodecFuzzTests"
if [ "${1:-}" = "--filter" ] && [ -n "${2:-}" ]; then filter="$filter&DisplayName~$2"; fi
echo "fuzz: $FUZZ_SECONDS s per target, seed $FUZZ_SEED, keeping new inputs: $FUZZ_SAVE"
dotnet test Engine.Tests -c Release --filter "$filter" --logger "console;verbosity=detailed" \
  -- RunConfiguration.TestSessionTimeout=$(( (FUZZ_SECONDS * 20 + 600) * 1000 )) \
  | grep -E "inputs \(|new inputs kept|Passed!|Failed!|input \(|^\s+(Failed|Error)" || true
