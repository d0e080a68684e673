#!/usr/bin/env bash
# Makes sure GDAL's runtime library and command-line tools are installed (Debian/Ubuntu).
# As root it installs them with apt; otherwise it prints the exact command and fails.
set -euo pipefail

packages="libgdal32 gdal-bin"
have_lib() { ldconfig -p 2>/dev/null | grep -q 'libgdal\.so\.'; }
if have_lib && command -v gdalinfo >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "GDAL is missing. Install it, then run this again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $packages" >&2
  exit 1
fi

echo "Installing GDAL ($packages) with apt..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $packages >/dev/null
have_lib || { echo "libgdal still not found after install" >&2; exit 1; }
echo "GDAL installed: $(gdalinfo --version)"
