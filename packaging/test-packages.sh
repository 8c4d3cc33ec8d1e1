#!/usr/bin/env bash
# Packaging test (issue 18, "Packages"): packs Engine.Core and Engine as NuGet packages and Engine.Host as the
# engine-host .NET tool into a temporary folder, then
#  1. builds a fresh app (packaging/consumer, copied out of the repository) against the Engine package from that folder
#     (its dependencies from the NuGet feed) and runs a download through it;
#  2. installs the tool with `dotnet tool install --tool-path`, runs `engine-host --version`, and with it makes a
#     torrent, seeds it and downloads it (127.0.0.1 only), comparing the bytes.
# Every package gets a version of its own (0.1.0-pkgtest.<time>) so no stale copy in the NuGet cache is used.
# Everything it creates is under one temporary directory, deleted at the end; the seeder it starts is stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
tmp=$(mktemp -d -t engine-packages-XXXXXX)
seed_pid=""
cleanup() {
  if [ -n "$seed_pid" ]; then kill "$seed_pid" 2>/dev/null || true; wait "$seed_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
version="0.1.0-pkgtest.$(date +%s)"
feed="$tmp/feed"
start=$(date +%s)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "packages: packing $version into $feed"
for p in Engine.Core/Engine.Core.csproj Engine/Engine.csproj Engine.Host/Engine.Host.csproj; do
  dotnet pack "$p" -c Release -o "$feed" -p:Version="$version" -nologo -v q >"$tmp/pack.log" 2>&1 || { cat "$tmp/pack.log"; exit 1; }
done
for f in "Engine.$version.nupkg" "Engine.$version.snupkg" "Engine.Core.$version.nupkg" "engine-host.$version.nupkg"; do
  [ -f "$feed/$f" ] || { echo "packages: $f is missing"; ls "$feed"; exit 1; }
done
contents=$(python3 -m zipfile -l "$feed/Engine.$version.nupkg")
grep -q "lib/net10.0/Engine.xml" <<<"$contents" || { echo "packages: Engine has no XML docs"; exit 1; }
grep -q "^README.md " <<<"$contents" || { echo "packages: Engine has no README"; exit 1; }
grep -q "tools/net10.0/any/wwwroot/_framework/blazor.web.js" <<<"$(python3 -m zipfile -l "$feed/engine-host.$version.nupkg")" \
  || { echo "packages: the engine-host tool lacks the web UI's script"; exit 1; }

echo "packages: a fresh app against the Engine package"
cp -r packaging/consumer "$tmp/consumer"
cat >"$tmp/consumer/NuGet.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local-packages" value="$feed" />
  </packageSources>
</configuration>
XML
(cd "$tmp/consumer" && dotnet run -c Release -p:EngineVersion="$version" -- "$tmp/consumer-run") | tee "$tmp/consumer.log"
grep -q "identical" "$tmp/consumer.log"

echo "packages: the engine-host tool"
dotnet tool install --tool-path "$tmp/tools" engine-host --version "$version" --add-source "$feed" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; exit 1; }
host="$tmp/tools/engine-host"
"$host" --version | tee "$tmp/version.txt"
grep -qx "$version" "$tmp/version.txt"
mkdir -p "$tmp/data/payload"
head -c 2500000 /dev/urandom >"$tmp/data/payload/a.bin"
"$host" create "$tmp/data/payload" --tracker http://127.0.0.1:9/announce -o "$tmp/p.torrent" >/dev/null
"$host" seed "$tmp/p.torrent" --data "$tmp/data" --bind 127.0.0.1 --port 0 --state-dir "$tmp/state-seed" >"$tmp/seed.log" 2>&1 &
seed_pid=$!
for _ in $(seq 1 300); do
  grep -q "seeding on 127.0.0.1:" "$tmp/seed.log" && break
  kill -0 "$seed_pid" 2>/dev/null || { cat "$tmp/seed.log"; exit 1; }
  sleep 0.1
done
peer=$(grep -o "seeding on 127.0.0.1:[0-9]*" "$tmp/seed.log" | head -1 | sed 's/seeding on //')
[ -n "$peer" ] || { echo "packages: the seeder did not start"; cat "$tmp/seed.log"; exit 1; }
timeout 60 "$host" download "$tmp/p.torrent" -o "$tmp/out" --bind 127.0.0.1 --port 0 --peer "$peer" --state-dir "$tmp/state-dl" --status-interval 1s
cmp "$tmp/data/payload/a.bin" "$tmp/out/payload/a.bin"
echo "packages: passed in $(( $(date +%s) - start )) s (Engine package in a fresh app, engine-host tool installed and downloading)"
