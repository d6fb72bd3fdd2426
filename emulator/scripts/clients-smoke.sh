#!/usr/bin/env bash
# Runs jsforce and simple-salesforce, installed from their registries into a
# temporary folder, against a fresh `crmctl emulate --tls`. A client that cannot
# be installed is skipped with a message. Not part of .ci/run.
# Usage: emulator/scripts/clients-smoke.sh   (from the repository root)
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/crmctl-clients.XXXXXX")
emu_pid=""
cleanup() {
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

cargo build -q -p crmctl || { echo "clients-smoke: cannot build crmctl" >&2; exit 1; }
bin=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug/crmctl
mkdir -p "$tmp/ca"
"$bin" emulate --json --tls --ca-dir "$tmp/ca" > "$tmp/emu.json" 2> "$tmp/emu.err" &
emu_pid=$!
for _ in $(seq 1 50); do
  [ -s "$tmp/emu.json" ] && break
  sleep 0.1
done
if [ ! -s "$tmp/emu.json" ] || grep -q '"data":null' "$tmp/emu.json"; then
  echo "clients-smoke: the emulator did not start" >&2
  cat "$tmp/emu.json" "$tmp/emu.err" >&2
  exit 1
fi
ca="$tmp/ca/crmctl-emulator-ca.pem"
failed=0 ran=0

if command -v npm >/dev/null && command -v node >/dev/null \
   && npm install --silent --prefix "$tmp/node" jsforce@3 >"$tmp/npm.log" 2>&1; then
  echo "== jsforce $(node -p "require('$tmp/node/node_modules/jsforce/package.json').version")"
  ran=$((ran + 1))
  NODE_PATH="$tmp/node/node_modules" NODE_EXTRA_CA_CERTS="$ca" \
    node "$here/jsforce-smoke.js" "$tmp/emu.json" || failed=1
else
  echo "clients-smoke: skipped jsforce (npm or node missing, or the install failed; see npm's log)"
fi

if python3 -m venv "$tmp/venv" >/dev/null 2>&1 \
   && "$tmp/venv/bin/pip" install -q simple-salesforce requests >"$tmp/pip.log" 2>&1; then
  echo "== simple-salesforce"
  ran=$((ran + 1))
  REQUESTS_CA_BUNDLE="$ca" "$tmp/venv/bin/python" "$here/simple-salesforce-smoke.py" "$tmp/emu.json" || failed=1
else
  echo "clients-smoke: skipped simple-salesforce (python3 venv or the install failed)"
fi

# Bulk API 2.0 (jsforce, simple-salesforce, sf): kept in its own file.
. "$here/bulk2-smoke.sh"

[ "$ran" -gt 0 ] || echo "clients-smoke: no client could be installed; nothing was tested"
exit "$failed"
