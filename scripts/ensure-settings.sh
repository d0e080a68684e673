#!/usr/bin/env bash
# Creates local.settings.json from the sample when it is absent (it is git-ignored: it may hold secrets), and adds
# any Values the sample has gained since, without touching values the user set.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f local.settings.json ]; then
  cp local.settings.sample.json local.settings.json
  echo "Created local.settings.json from local.settings.sample.json"
  exit 0
fi
node -e '
const fs = require("fs");
const sample = JSON.parse(fs.readFileSync("local.settings.sample.json", "utf8"));
const local = JSON.parse(fs.readFileSync("local.settings.json", "utf8"));
local.Values = local.Values || {};
const added = Object.keys(sample.Values || {}).filter(k => !(k in local.Values));
for (const k of added) local.Values[k] = sample.Values[k];
if (added.length) {
  fs.writeFileSync("local.settings.json", JSON.stringify(local, null, 2) + "\n");
  console.log("Added to local.settings.json from the sample: " + added.join(", "));
}'
