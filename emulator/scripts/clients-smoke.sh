#!/usr/bin/env bash
# Runs jsforce and simple-salesforce, installed from their registries into a
# temporary folder, against a fresh `crmctl emulate --tls`; with SMOKE_SF=1 also
# the sf CLI (@salesforce/cli, several hundred MB). A client that cannot be
# installed is skipped with a message. Not part of .ci/run (it needs the registries).
# Usage: [SMOKE_SF=1] emulator/scripts/clients-smoke.sh   (from the repository root)
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

if [ "${SMOKE_SF:-0}" = 1 ]; then
  mkdir -p "$tmp/sf"
  # The newest sf needs Node 22.19 (undici 8, through @jsforce/jsforce-node 3.10.21
  # and later); on an older Node, pin a CLI and that package to versions that run.
  if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 22 ]; then
    printf '%s\n' '{"dependencies": {"@salesforce/cli": "2.108.6"},' \
      ' "overrides": {"@jsforce/jsforce-node": "3.10.13"}}' > "$tmp/sf/package.json"
  else
    printf '%s\n' '{"dependencies": {"@salesforce/cli": "*"}}' > "$tmp/sf/package.json"
  fi
  if command -v npm >/dev/null \
     && (cd "$tmp/sf" && npm install --silent >"$tmp/sf-npm.log" 2>&1); then
    ran=$((ran + 1))
    sf="$tmp/sf/node_modules/.bin/sf"
    PATH="$tmp/sf/node_modules/.bin:$PATH"   # sf spawns itself for some hooks
    base=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data"]["base_url"])' "$tmp/emu.json")
    login=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data"]["login_url"])' "$tmp/emu.json")
    mkdir -p "$tmp/home" "$tmp/tree"
    export HOME="$tmp/home" NODE_EXTRA_CA_CERTS="$ca" SF_DISABLE_TELEMETRY=true \
      SF_AUTOUPDATE_DISABLE=true SF_USE_GENERIC_UNIX_KEYCHAIN=true
    echo "== sf $("$sf" --version 2>/dev/null | head -1)"
    step() {
      echo "-- sf $*"
      if ! (cd "$tmp" && "$sf" "$@" >"$tmp/sf-step.log" 2>&1); then
        echo "FAILED: sf $*" >&2; cat "$tmp/sf-step.log" >&2; failed=1
      fi
    }
    token=$(curl -s --cacert "$ca" "$login/services/oauth2/token" -d grant_type=password \
      -d client_id=3MVG9crmctlDEMOclientID.emulator -d client_secret=crmctl-demo-client-secret-2f9c \
      --data-urlencode username=demo@crmctl.example --data-urlencode 'password=DemoPassw0rd!DEMOTOKEN4xY7qP2m' \
      | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
    echo "-- sf org login access-token"
    SF_ACCESS_TOKEN="$token" "$sf" org login access-token --instance-url "$base" --alias emu --no-prompt \
      >"$tmp/sf-step.log" 2>&1 || { echo "FAILED: access-token login" >&2; cat "$tmp/sf-step.log" >&2; failed=1; }
    step org display --target-org emu
    step data query --target-org emu --query "SELECT Id, Name FROM Organization"
    step data create record --target-org emu --sobject Task --values "Subject='CI call' CallType=Inbound"
    # sf keeps one alias per username: each login of demo@ replaces the last alias.
    echo "force://3MVG9crmctlDEMOclientID.emulator:crmctl-demo-client-secret-2f9c:5Aep861crmctlDEMOrefreshToken.emulator.demo@${base#https://}" > "$tmp/auth-url.txt"
    step org login sfdx-url --sfdx-url-file "$tmp/auth-url.txt" --alias emu-url
    step data export tree --target-org emu-url --plan --output-dir "$tmp/tree" \
      --query "SELECT Id, Name, (SELECT Id, LastName FROM Contacts) FROM Account WHERE Name LIKE 'Acme%'"
    step org login jwt --client-id 3MVG9crmctlDEMOclientID.emulator \
      --jwt-key-file "$here/../tests/fixtures/jwt-demo-key.pem" --username demo@crmctl.example \
      --instance-url "$base" --alias emu-jwt
    plan=$(ls "$tmp"/tree/*plan.json 2>/dev/null | head -1)
    if [ -n "$plan" ]; then step data import tree --target-org emu-jwt --plan "$plan"; else echo "FAILED: no plan file" >&2; failed=1; fi
    step org logout --target-org emu-jwt --no-prompt
  else
    echo "clients-smoke: skipped sf (npm missing, or installing @salesforce/cli failed; see its log)"
  fi
fi
# Bulk API 2.0 (jsforce, simple-salesforce, sf): kept in its own file.
. "$here/bulk2-smoke.sh"

[ "$ran" -gt 0 ] || echo "clients-smoke: no client could be installed; nothing was tested"
exit "$failed"
