#!/usr/bin/env bash
# Installs the pinned dev tools (Azurite) from package-lock.json when they are missing or out of date.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=node_modules/.eefunctions-installed
if [ -f node_modules/azurite/dist/src/azurite.js ] && [ -f "$stamp" ] && [ "$stamp" -nt package-lock.json ]; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "npm is required (Node.js 20+) to install Azurite" >&2; exit 1; }
echo "Installing Azurite (npm ci)..."
npm ci --no-audit --no-fund --loglevel=error
touch "$stamp"
