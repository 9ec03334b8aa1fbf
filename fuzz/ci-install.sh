#!/usr/bin/env bash
# Installs what the AFL++ bridge smoke test needs (afl-fuzz from the Debian package afl++, gcc).
# Called by .ci/run before `dotnet test`.
set -euo pipefail
if command -v afl-fuzz > /dev/null && command -v gcc > /dev/null; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "fuzz/ci-install.sh: need root to install the Debian packages afl++ and gcc" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ gcc > /dev/null
afl-fuzz -h 2>&1 | head -1 || true
