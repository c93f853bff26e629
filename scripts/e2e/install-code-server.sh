#!/usr/bin/env bash
# Installs the npm code-server package into .test-artifacts/code-server/ (git-ignored), unless
# that version is already there. code-server 4.100.3 (VS Code 1.100.3) is the newest release that
# runs on Node 20. Needs Debian's ripgrep and libkrb5-dev (see install-deps.sh).
# Usage: bash scripts/e2e/install-code-server.sh
set -euo pipefail

version='4.100.3'
root="$(cd "$(dirname "$0")/../.." && pwd)"
prefix="${CODE_SERVER_PREFIX:-$root/.test-artifacts/code-server}"
installed="$prefix/node_modules/code-server"

# The postinstall links lib/vscode/node_modules.asar last, so its presence marks a whole install.
if [ -L "$installed/lib/vscode/node_modules.asar" ] &&
  grep -q "\"version\": \"$version\"" "$installed/package.json"; then
  echo "code-server $version is already installed in $prefix"
  exit 0
fi

# @vscode/ripgrep's postinstall downloads rg unless it finds this archive in its cache folder,
# so hand it Debian's rg in the archive it expects.
rg_path="$(command -v rg || true)"
if [ -z "$rg_path" ]; then
  echo "ripgrep (rg) is missing: run scripts/e2e/install-deps.sh, or apt-get install -y ripgrep" >&2
  exit 1
fi
cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
archive="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$archive" ]; then
  staging="$(mktemp -d)"
  mkdir -p "$cache"
  cp "$rg_path" "$staging/rg"
  tar -czf "$archive" -C "$staging" rg
  rm -rf "$staging"
fi

# npm 11.19 runs the install scripts of a dependency only when an allow-scripts policy names it,
# and it rejects a policy given on the command line or in the environment of a project install.
# npm also exports a policy read from any .npmrc to the environment of install scripts, where the
# nested `npm install` of code-server's postinstall would reject it. So each project gets its own
# policy in a file that is not exported: this folder's package.json names code-server and argon2
# (built from source), and lib/vscode/.npmrc names the native modules of VS Code's server.
mkdir -p "$prefix"
cat > "$prefix/package.json" <<'JSON'
{
  "name": "code-server-cache",
  "private": true,
  "allowScripts": { "code-server": true, "argon2": true }
}
JSON

echo "Installing code-server $version into $prefix (about a minute)"
cd "$prefix"
npm install --no-audit --no-fund --ignore-scripts "code-server@$version"
native='@parcel/watcher,@vscode/ripgrep,@vscode/spdlog,@vscode/deviceid,kerberos,native-watchdog,node-pty'
echo "allow-scripts=$native" > "$installed/lib/vscode/.npmrc"

# Runs the install scripts skipped above. The postinstall refuses to run as root unless
# npm_config_unsafe_perm is true, and yes=true answers the prompt of the `npx node-gyp` it runs.
npm_config_yes=true npm_config_unsafe_perm=true npm rebuild --no-audit --no-fund
if [ ! -L "$installed/lib/vscode/node_modules.asar" ]; then
  echo "code-server's postinstall did not finish: see the npm output above" >&2
  exit 1
fi
