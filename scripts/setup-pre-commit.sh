#!/usr/bin/env bash
# Installs Debian's `pre-commit` for test/unit/integrations/pre-commit.test.ts, the way
# setup-vscode-test.sh installs Chromium: skipped when `pre-commit` is already on PATH, apt-get as
# root (or sudo -n), and a clear message on stderr plus exit 1 when that cannot be done, so the test
# can skip with the reason. Idempotent; CI runs it through `npm test`.
set -euo pipefail

fail() {
  echo "[setup-pre-commit] $*" >&2
  exit 1
}

command -v pre-commit >/dev/null 2>&1 && exit 0
command -v git >/dev/null 2>&1 || fail "git is not installed"
command -v apt-get >/dev/null 2>&1 || fail "pre-commit is not installed and this machine has no apt-get: pip install pre-commit, then run again"
as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || fail "pre-commit is not installed; install it as root (apt-get install -y pre-commit) and run again"
  as_root=(sudo -n)
fi
export DEBIAN_FRONTEND=noninteractive
echo "[setup-pre-commit] installing pre-commit (apt-get)" >&2
# apt-get waits for the dpkg lock instead of failing when another install is running.
if ! "${as_root[@]}" apt-get install -y -qq -o DPkg::Lock::Timeout=300 pre-commit >/dev/null 2>&1; then
  "${as_root[@]}" apt-get update -qq -o DPkg::Lock::Timeout=300 >/dev/null 2>&1 ||
    fail "apt-get update failed (no network to the Debian mirror, or no root): install pre-commit by hand"
  "${as_root[@]}" apt-get install -y -qq -o DPkg::Lock::Timeout=300 pre-commit >/dev/null ||
    fail "apt-get install pre-commit failed: install it by hand"
fi
command -v pre-commit >/dev/null 2>&1 || fail "apt-get installed pre-commit but it is not on PATH"
