#!/usr/bin/env bash
# Installs what the test suites need beyond the .NET SDK, each only when missing (Debian packages,
# as root). Called by tests/test.sh; safe to run again. One line per tool: command, package, why.
set -euo pipefail

need=()
want() { # want COMMAND-OR-PATH PACKAGE: queue PACKAGE when COMMAND-OR-PATH is absent
  if [[ "$1" == /* ]]; then [ -e "$1" ] || need+=("$2"); else command -v "$1" > /dev/null || need+=("$2"); fi
}
want afl-fuzz afl++              # AFL++ campaign test (tests/IrqVerify.Fuzz.Tests)
want gcc gcc                     # native builds (the kernel matrix.c differential)
want xz xz-utils                 # extracting kernel/irq/matrix.c from the kernel source tarball
want /usr/src/linux-source-6.12.tar.xz linux-source-6.12  # matrix differential (tests/IrqVerify.Conformance.Tests)
want /usr/bin/chromium chromium  # HTML report rendering test (tests/IrqVerify.Report.Tests)

if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "tests/install-deps.sh: missing ${need[*]}; install them with: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
echo "tests/install-deps.sh: installing ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" > /dev/null
