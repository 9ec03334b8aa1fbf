#!/usr/bin/env bash
# Builds the kernel's own kernel/irq/matrix.c, unmodified, into a user-space shared library for the
# matrix differential (irqverify conform matrix). The kernel source is never copied into the
# repository: the two files are extracted into the build directory.
#
#   build-matrix.sh --out DIR [--kernel-src TREE]
#
# Without --kernel-src the source comes from Debian's linux-source-6.12 tarball under /usr/src
# (installed with apt-get when missing and running as root). Prints the library path on success.
# Exit 2 with one line on stderr when something is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="" ksrc=""
tarball=/usr/src/linux-source-6.12.tar.xz
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --kernel-src) ksrc="$2"; shift 2 ;;
    *) echo "build-matrix.sh: unknown argument '$1' (usage: build-matrix.sh --out DIR [--kernel-src TREE])" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || { echo "build-matrix.sh: --out DIR is required" >&2; exit 2; }
command -v gcc > /dev/null || { echo "build-matrix.sh: gcc not found; install it with: sudo apt-get install gcc" >&2; exit 2; }

mkdir -p "$out/src/kernel/irq" "$out/src/include/trace/events"
if [ -n "$ksrc" ]; then
  for f in kernel/irq/matrix.c include/trace/events/irq_matrix.h; do
    [ -f "$ksrc/$f" ] || { echo "$ksrc/$f: not found (--kernel-src must be a Linux source tree)" >&2; exit 2; }
    cp "$ksrc/$f" "$out/src/$f"
  done
  version="$(sed -n 's/^VERSION = //p; s/^PATCHLEVEL = //p; s/^SUBLEVEL = //p' "$ksrc/Makefile" 2> /dev/null | paste -sd. - || true)"
  echo "${version:-unknown} (tree $ksrc)" > "$out/kernel-version.txt"
else
  if [ ! -f "$tarball" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
      echo "build-matrix.sh: installing linux-source-6.12" >&2
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-source-6.12 > /dev/null
    fi
    [ -f "$tarball" ] || { echo "$tarball: not found; install it with: sudo apt-get install linux-source-6.12 (or pass --kernel-src TREE)" >&2; exit 2; }
  fi
  command -v xz > /dev/null || { echo "build-matrix.sh: xz not found; install it with: sudo apt-get install xz-utils" >&2; exit 2; }
  top=linux-source-6.12
  tmp="$out/extract"
  rm -rf "$tmp" && mkdir -p "$tmp"
  tar -xJf "$tarball" -C "$tmp" "$top/Makefile" "$top/kernel/irq/matrix.c" "$top/include/trace/events/irq_matrix.h"
  mv "$tmp/$top/kernel/irq/matrix.c" "$out/src/kernel/irq/matrix.c"
  mv "$tmp/$top/include/trace/events/irq_matrix.h" "$out/src/include/trace/events/irq_matrix.h"
  version="$(sed -n 's/^VERSION = //p; s/^PATCHLEVEL = //p; s/^SUBLEVEL = //p' "$tmp/$top/Makefile" | paste -sd. -)"
  pkg="$(dpkg-query -W -f='${Version}' linux-source-6.12 2> /dev/null || true)"
  echo "$version (Debian linux-source-6.12${pkg:+ $pkg})" > "$out/kernel-version.txt"
  rm -rf "$tmp"
fi

# Stand-in headers first; the extracted tree only provides trace/events/irq_matrix.h and matrix.c.
gcc -std=gnu11 -O2 -fPIC -shared -Wall -Werror -Wno-unused-function \
  -I "$here/include" -I "$out/src/include" -I "$out/src/kernel/irq" \
  -o "$out/libkmatrix.so" "$here/glue/kmatrix_glue.c"
echo "$out/libkmatrix.so"
