#!/usr/bin/env bash
# Starts Azurite (data in .data/azurite) and the service on http://127.0.0.1:7071; Ctrl-C stops both cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # port seconds what
  for _ in $(seq 1 $(( $2 * 10 ))); do port_open "$1" && return 0; sleep 0.1; done
  echo "$3 did not start listening on port $1 within $2 s" >&2; return 1
}

azurite_pid=""
service_pid=""
stop() {
  trap - INT TERM EXIT
  echo
  if [ -n "$service_pid" ] && kill -0 "$service_pid" 2>/dev/null; then
    echo "Stopping the service..."
    kill -TERM "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
  if [ -n "$azurite_pid" ] && kill -0 "$azurite_pid" 2>/dev/null; then
    # SIGTERM, never SIGKILL: Azurite persists its last writes on a clean stop.
    echo "Stopping Azurite..."
    kill -TERM "$azurite_pid" 2>/dev/null || true
    wait "$azurite_pid" 2>/dev/null || true
  fi
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

for p in 10000 10001 10002; do
  if port_open "$p"; then
    echo "Port $p is already in use (another Azurite?). Stop it, or point AzureWebJobsStorage elsewhere." >&2
    exit 1
  fi
done

mkdir -p .data/azurite
echo "Starting Azurite (blob 10000, queue 10001, table 10002; data in .data/azurite)..."
# --skipApiVersionCheck: Azurite 3.37 accepts x-ms-version up to 2026-06-06; Azure.Storage.Blobs 12.30 sends 2026-10-06.
# Own session (setsid): Ctrl-C reaches only this script, which stops the service first and Azurite last.
setsid node node_modules/azurite/dist/src/azurite.js \
  --blobHost 127.0.0.1 --blobPort 10000 \
  --queueHost 127.0.0.1 --queuePort 10001 \
  --tableHost 127.0.0.1 --tablePort 10002 \
  --location .data/azurite --disableTelemetry --silent --skipApiVersionCheck \
  >>.data/azurite.log 2>&1 &
azurite_pid=$!
wait_for 10000 60 Azurite && wait_for 10001 10 Azurite && wait_for 10002 10 Azurite

echo "Building and starting the service..."
dotnet build functions/EeFunctions.Host -nologo -v quiet -tl:off -clp:NoSummary\;ErrorsOnly
setsid dotnet functions/EeFunctions.Host/bin/Debug/net10.0/EeFunctions.Host.dll &
service_pid=$!
wait_for 7071 120 "The service"

echo
echo "EeFunctions is running at http://127.0.0.1:7071  (health: http://127.0.0.1:7071/api/health)"
echo "Earth Engine API: http://127.0.0.1:7071/v1 (README: Earth Engine API). A dev bearer token for project"
echo "'my-project' follows (make token PROJECT=<id> prints one for another project):"
node scripts/ee-token.js my-project
echo "Import API: http://127.0.0.1:7071/api/v1/imports (README: Import API). A dev token for album 'imported_album'"
echo "follows (make import-token ALBUM=<id> prints one for another album):"
dotnet functions/EeFunctions.Host/bin/Debug/net10.0/EeFunctions.Host.dll import-token --album imported_album | tail -n 1
echo "Press Ctrl-C to stop the service and Azurite."
wait "$service_pid"
