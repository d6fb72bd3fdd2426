# Bulk API 2.0 steps of clients-smoke.sh (sourced by it, after the clients are
# installed): jsforce's and simple-salesforce's bulk2, and `sf data import/export
# bulk` when an `sf` CLI is on PATH (the script does not install it: it is large).
# Uses $here, $tmp, $ca, $failed and $ran from clients-smoke.sh.
bulk2_smoke() {
  if [ -d "$tmp/node/node_modules/jsforce" ]; then
    echo "== jsforce bulk2"
    NODE_PATH="$tmp/node/node_modules" NODE_EXTRA_CA_CERTS="$ca" \
      node "$here/bulk2-jsforce.js" "$tmp/emu.json" || failed=1
  fi
  if [ -x "$tmp/venv/bin/python" ] && "$tmp/venv/bin/python" -c 'import simple_salesforce' 2>/dev/null; then
    echo "== simple-salesforce bulk2"
    REQUESTS_CA_BUNDLE="$ca" "$tmp/venv/bin/python" "$here/bulk2-simple-salesforce.py" "$tmp/emu.json" || failed=1
  fi
  if command -v sf >/dev/null && command -v jq >/dev/null; then
    echo "== sf data import/export bulk"
    ran=$((ran + 1))
    local base login token
    base=$(jq -r .data.base_url "$tmp/emu.json")
    login=$(jq -r .data.login_url "$tmp/emu.json")
    token=$(curl -s --cacert "$ca" "$login/services/oauth2/token" -d grant_type=password \
      -d client_id="$(jq -r .data.client_id "$tmp/emu.json")" \
      -d client_secret="$(jq -r .data.client_secret "$tmp/emu.json")" \
      --data-urlencode username="$(jq -r .data.username "$tmp/emu.json")" \
      --data-urlencode password="$(jq -r '.data.password + .data.security_token' "$tmp/emu.json")" | jq -r .access_token)
    printf 'LastName,Phone\nSfBulk,+33 1 81 20 00 04\n' > "$tmp/sf-contacts.csv"
    NODE_EXTRA_CA_CERTS="$ca" SF_ACCESS_TOKEN="$token" \
      sf org login access-token --instance-url "$base" --alias emu-bulk --no-prompt >/dev/null \
      && NODE_EXTRA_CA_CERTS="$ca" sf data import bulk --target-org emu-bulk --sobject Contact \
           --file "$tmp/sf-contacts.csv" --wait 5 \
      && NODE_EXTRA_CA_CERTS="$ca" sf data export bulk --target-org emu-bulk \
           --query "SELECT Id, Phone FROM Contact" --output-file "$tmp/sf-export.csv" --wait 5 \
      && grep -q '+33 1 81 20 00 04' "$tmp/sf-export.csv" || failed=1
  else
    echo "clients-smoke: skipped sf data import/export bulk (no sf CLI or jq on PATH)"
  fi
}
bulk2_smoke
