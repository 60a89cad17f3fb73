#!/usr/bin/env bash
# Usage: setup-debian-tool.sh COMMAND PACKAGE
# Installs Debian's PACKAGE so that COMMAND is on PATH, for the tests that drive a real tool
# (pre-commit, mypy, Graphviz's dot): skipped when COMMAND is already there, apt-get as root (or
# sudo -n), and a clear message on stderr plus exit 1 when that cannot be done, so the test can
# skip with the reason. Idempotent; the tests run it themselves, so `npm test` (and CI) installs
# what they need with no step of its own.
set -euo pipefail
command_name="${1:?usage: setup-debian-tool.sh COMMAND PACKAGE}"
package="${2:?usage: setup-debian-tool.sh COMMAND PACKAGE}"

fail() {
  echo "[setup-debian-tool] $*" >&2
  exit 1
}

command -v "$command_name" >/dev/null 2>&1 && exit 0
command -v apt-get >/dev/null 2>&1 || fail "$command_name is not installed and this machine has no apt-get: install $package by hand, then run again"
as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || fail "$command_name is not installed; install it as root (apt-get install -y $package) and run again"
  as_root=(sudo -n)
fi
export DEBIAN_FRONTEND=noninteractive
echo "[setup-debian-tool] installing $package (apt-get)" >&2
# apt-get waits for the dpkg lock instead of failing when another install is running.
if ! "${as_root[@]}" apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$package" >/dev/null 2>&1; then
  "${as_root[@]}" apt-get update -qq -o DPkg::Lock::Timeout=300 >/dev/null 2>&1 ||
    fail "apt-get update failed (no network to the Debian mirror, or no root): install $package by hand"
  "${as_root[@]}" apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$package" >/dev/null ||
    fail "apt-get install $package failed: install it by hand"
fi
command -v "$command_name" >/dev/null 2>&1 || fail "apt-get installed $package but $command_name is not on PATH"
