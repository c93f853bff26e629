#!/usr/bin/env bash
# Installs what the editor test layers need: Debian's chromium, neovim, libkrb5-dev and ripgrep,
# then the npm code-server package into a cache folder outside node_modules. Safe to run again:
# each step is skipped when its result is already there. Must run as root (apt-get).
# Usage: bash scripts/e2e/install-deps.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"

debian_packages=(chromium neovim libkrb5-dev ripgrep)
missing=()
for package in "${debian_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

bash "$root/scripts/e2e/install-code-server.sh"
