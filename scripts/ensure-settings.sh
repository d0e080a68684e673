#!/usr/bin/env bash
# Creates local.settings.json from the sample when it is absent (it is git-ignored: it may hold secrets).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f local.settings.json ]; then
  cp local.settings.sample.json local.settings.json
  echo "Created local.settings.json from local.settings.sample.json"
fi
