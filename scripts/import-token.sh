#!/usr/bin/env bash
# Prints an Import API dev token with image_upload and image_list on one album (last line), creating the dev API client
# in the service's storage when it is missing. Azurite is started for the moment when it is not already running.
# Usage: scripts/import-token.sh <album id> [hours]
set -euo pipefail
cd "$(dirname "$0")/.."
album="${1:?usage: make import-token ALBUM=<album id>}"
hours="${2:-12}"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
azurite_pid=""
cleanup() {
  if [ -n "$azurite_pid" ]; then kill -TERM "$azurite_pid" 2>/dev/null || true; wait "$azurite_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

if ! port_open 10002; then
  mkdir -p .data/azurite
  setsid node node_modules/azurite/dist/src/azurite.js \
    --blobHost 127.0.0.1 --blobPort 10000 --queueHost 127.0.0.1 --queuePort 10001 --tableHost 127.0.0.1 --tablePort 10002 \
    --location .data/azurite --disableTelemetry --silent --skipApiVersionCheck >>.data/azurite.log 2>&1 &
  azurite_pid=$!
  for _ in $(seq 1 300); do port_open 10002 && port_open 10000 && break; sleep 0.1; done
fi

dll=functions/EeFunctions.Host/bin/Debug/net10.0/EeFunctions.Host.dll
dotnet build functions/EeFunctions.Host -nologo -v quiet -tl:off -clp:NoSummary\;ErrorsOnly >&2
dotnet "$dll" import-token --album "$album" --hours "$hours"
