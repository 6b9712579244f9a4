#!/usr/bin/env bash
# Installs the native prerequisite of TorchSharp 0.107 on Linux: a libstdc++ that exports GLIBCXX_3.4.32
# (GCC 13+). Debian 12 ships GLIBCXX_3.4.30, so there we take libstdc++6 from Debian 13 (trixie), pinned at a
# low priority so that nothing else is upgraded by accident. Idempotent: when the symbol is present it returns at once.
set -euo pipefail

required_symbol="GLIBCXX_3.4.32"

find_libstdcxx() {
  local candidate
  for candidate in /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib/aarch64-linux-gnu/libstdc++.so.6 \
                   /usr/lib64/libstdc++.so.6 /usr/lib/libstdc++.so.6; do
    [ -e "$candidate" ] && { echo "$candidate"; return 0; }
  done
  ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 /{print $NF; exit}'
}

has_symbol() {
  local lib
  lib=$(find_libstdcxx)
  [ -n "$lib" ] && grep -q -a "$required_symbol" "$lib"
}

if [ "$(uname -s)" != "Linux" ]; then
  echo "install-prerequisites: nothing to do on $(uname -s)."
  exit 0
fi

if has_symbol; then
  echo "install-prerequisites: $required_symbol present, nothing to do."
  exit 0
fi

if [ ! -r /etc/os-release ] || ! grep -q '^ID=debian' /etc/os-release; then
  echo "install-prerequisites: TorchSharp needs libstdc++ with $required_symbol (GCC 13 or newer)." >&2
  echo "Install your distribution's libstdc++ from GCC 13+ (e.g. Ubuntu 24.04+, Fedora 39+), then run again." >&2
  exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd="sudo"
else
  sudo_cmd=""
fi

echo "install-prerequisites: $required_symbol missing; installing libstdc++6 from Debian trixie (pinned at priority 100)."

# Reuse the mirror of the existing bookworm entry, so machines behind a local mirror keep using it.
mirror=$(grep -h -E '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
         | grep -v -i security | grep -o -E 'https?://[^ ]+/debian/?' | head -n 1 || true)
mirror=${mirror:-http://deb.debian.org/debian}
mirror=${mirror%/}

if ! grep -rqs 'trixie' /etc/apt/sources.list.d/; then
  $sudo_cmd tee /etc/apt/sources.list.d/trixie.sources >/dev/null <<SRC
Types: deb
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

$sudo_cmd tee /etc/apt/preferences.d/trixie-low-priority >/dev/null <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN

export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq -t trixie libstdc++6 >/dev/null

if has_symbol; then
  echo "install-prerequisites: installed; $required_symbol now present."
else
  echo "install-prerequisites: libstdc++6 from trixie did not provide $required_symbol." >&2
  exit 1
fi
