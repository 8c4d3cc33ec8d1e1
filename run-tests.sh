#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine that has only the .NET SDK.
# It first installs the real BitTorrent programs the interop tests talk to (Debian packages),
# then runs `dotnet test`. Safe to run again: installed packages are skipped.
set -euo pipefail
cd "$(dirname "$0")"

need=()
/usr/bin/python3 -c 'import libtorrent' >/dev/null 2>&1 || need+=(python3-libtorrent)
command -v aria2c >/dev/null 2>&1 || need+=(aria2)
command -v transmission-cli >/dev/null 2>&1 || need+=(transmission-cli)
command -v rtorrent >/dev/null 2>&1 || need+=(rtorrent)
command -v ctorrent >/dev/null 2>&1 || need+=(ctorrent)
# lftp is a file-transfer program with a BitTorrent client of its own (its `torrent` command).
command -v lftp >/dev/null 2>&1 || need+=(lftp)
# unworkable is a small C client from OpenBSD (2008); it listens on every interface, so its tests run it in a namespace.
command -v unworkable >/dev/null 2>&1 || need+=(unworkable)
# BiglyBT (the Azureus/Vuze line, Java) has a wire implementation of its own; its tests run it in a namespace.
[ -f /usr/share/java/biglybt-core.jar ] || need+=(biglybt)
command -v opentracker >/dev/null 2>&1 || need+=(opentracker)
command -v mktorrent >/dev/null 2>&1 || need+=(mktorrent)
# WebTorrent runs on Node.js; its package comes from the npm registry (below).
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
# Browser tests (Engine.Tests/Web) drive Debian's headless chromium through Playwright; no browser is downloaded.
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# The live-display test runs the host on a pseudo-terminal with script(1).
command -v script >/dev/null 2>&1 || need+=(bsdutils)
# Network namespaces of the tests' own (Engine.Tests/Lab/NetNamespace) are made with ip(8).
[ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || need+=(iproute2)
# The network lab's NAT routers (Engine.Tests/Lab/NetLab) masquerade with nftables.
command -v nft >/dev/null 2>&1 || [ -x /usr/sbin/nft ] || need+=(nftables)
# Its port-mapping routers run miniupnpd (NAT-PMP and UPnP IGD).
command -v miniupnpd >/dev/null 2>&1 || [ -x /usr/sbin/miniupnpd ] || need+=(miniupnpd-nftables)
# Streaming tests (Engine.Tests/Web/StreamingTests) make a video with ffmpeg and probe it through the stream URL with ffprobe.
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)

if [ ${#need[@]} -gt 0 ]; then
  echo "run-tests: installing ${need[*]}"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# WebTorrent (Engine.Tests/Interop/WebTorrentPeer) from the npm registry, at the version its lock file pins, beside its
# script. --ignore-scripts: its optional native modules (uTP, WebRTC) would download prebuilt binaries; the tests use TCP.
webtorrent_dir=Engine.Tests/Interop/Scripts/webtorrent
if [ ! -d "$webtorrent_dir/node_modules/webtorrent" ]; then
  echo "run-tests: installing WebTorrent (npm ci)"
  (cd "$webtorrent_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
results="$(mktemp -d)"
status=0
dotnet test Engine.sln -c Release --blame-hang-timeout 5m --logger "console;verbosity=normal" \
  --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@" || status=$?
if [ $status -ne 0 ]; then
  # The console log is long and CI keeps its tail: repeat the failed tests' names and first lines of message last.
  echo "run-tests: failed tests:"
  # Each failed test: its name, the first lines of its message, and the stack frames in our own source files.
  find "$results" -name '*.trx' -exec python3 -c '
import sys, xml.etree.ElementTree as ET
for path in sys.argv[1:]:
    for r in ET.parse(path).getroot().iter():
        if not r.tag.endswith("UnitTestResult") or r.get("outcome") != "Failed": continue
        print("  " + r.get("testName"))
        text = lambda tag: next((e.text or "" for e in r.iter() if e.tag.endswith(tag)), "")
        for line in text("Message").splitlines()[:6]: print("      " + line)
        for line in list(dict.fromkeys(l.strip() for l in text("StackTrace").splitlines() if " in /" in l))[:8]: print("      " + line)
' {} + || true
  rm -rf "$results"
  exit $status
fi
rm -rf "$results"
# The packages (about a minute): Engine in a fresh app, the engine-host tool installed and downloading.
if [ $# -eq 0 ]; then packaging/test-packages.sh; fi
