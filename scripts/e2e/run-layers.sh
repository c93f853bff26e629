#!/usr/bin/env bash
# Runs the editor test layers after installing what they need: the extension-host suite in
# code-server, the browser test on the packaged .vsix, and the Neovim smoke test. Prints each
# layer's output, then one line "editors: N passed, N failed" with the sums. A layer that prints
# no count line counts as one failure. Exits non-zero when anything failed.
# Usage: bash scripts/e2e/run-layers.sh
set -uo pipefail

cd "$(dirname "$0")/../.."
passed=0
failed=0

# Runs one command, shows its output and adds the counts from its last "N passed, N failed" line.
run_layer() {
  local name="$1" log counts
  shift
  log="$(mktemp)"
  "$@" > "$log" 2>&1
  local status=$?
  cat "$log"
  counts="$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)"
  rm -f "$log"
  if [ -z "$counts" ]; then
    echo "$name printed no count line (exit code $status)"
    failed=$((failed + 1))
    return
  fi
  local layer_passed layer_failed
  layer_passed="$(sed -E 's/^[a-z-]+: ([0-9]+) passed.*/\1/' <<< "$counts")"
  layer_failed="$(sed -E 's/.* ([0-9]+) failed$/\1/' <<< "$counts")"
  passed=$((passed + layer_passed))
  failed=$((failed + layer_failed))
  if [ "$status" -ne 0 ] && [ "$layer_failed" -eq 0 ]; then
    echo "$name exited with code $status although it counted no failure"
    failed=$((failed + 1))
  fi
}

# Runs a step that the layers need. When it fails, all three layers are counted as failed.
prepare() {
  if ! "$@"; then
    echo "Preparing the editor layers failed at: $*"
    echo "editors: 0 passed, 3 failed"
    exit 1
  fi
}

prepare bash scripts/e2e/install-deps.sh
# Builds dist/ and out/, then packages the .vsix that the browser test installs.
prepare npm run package

run_layer extension-host node scripts/e2e/extension-host.mjs
run_layer browser node scripts/e2e/browser.mjs
run_layer nvim node test/nvim/run.mjs

echo "editors: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
