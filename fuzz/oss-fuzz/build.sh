#!/usr/bin/env bash
# libFuzzer build of the IrqVerify model, in the OSS-Fuzz / ClusterFuzzLite layout (docs/fuzzing.md).
#
#   fuzz/oss-fuzz/build.sh                      # local: writes irqverify-out/libfuzzer/
#   OUT=/out SRC=/src fuzz/oss-fuzz/build.sh    # inside an OSS-Fuzz/ClusterFuzzLite builder image
#
# Writes to $OUT:
#   irqverify/                       the published harness; its IrqVerify.Model.dll instrumented by sharpfuzz
#   libfuzzer-dotnet                 SharpFuzz's libFuzzer driver (built from libfuzzer-dotnet.cc)
#   irqverify_model[_kN]             one fuzz target per configuration: the reference model, and each
#                                    variant in IRQVERIFY_LIBFUZZER_VARIANTS (default "K6")
#   <target>.dict, <target>.options (max_len 256), <target>_seed_corpus.zip
# Run a target like any libFuzzer binary: $OUT/irqverify_model_k6 -max_len=256 -dict=$OUT/irqverify_model_k6.dict corpus/
# Crash files (crash-<sha1>) are raw inputs: `irqverify fuzz --triage DIR [--variant K6]` minimizes them.
#
# Inputs: libfuzzer-dotnet.cc from $LIBFUZZER_DOTNET_SRC, else $SRC/libfuzzer-dotnet/, else a git clone of
# https://github.com/Metalnem/libfuzzer-dotnet; the libFuzzer engine from $LIB_FUZZING_ENGINE (OSS-Fuzz
# sets -fsanitize=fuzzer), else libFuzzer.a of the Debian package libfuzzer-N-dev.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${OUT:-$ROOT/irqverify-out/libfuzzer}
CXX=${CXX:-clang++}
variants=${IRQVERIFY_LIBFUZZER_VARIANTS-K6}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
mkdir -p "$OUT"
fail() { echo "fuzz/oss-fuzz/build.sh: $1" >&2; exit 2; }

# 1. The libFuzzer driver.
src=${LIBFUZZER_DOTNET_SRC:-}
if [ -z "$src" ] && [ -n "${SRC:-}" ] && [ -f "$SRC/libfuzzer-dotnet/libfuzzer-dotnet.cc" ]; then src=$SRC/libfuzzer-dotnet/libfuzzer-dotnet.cc; fi
if [ -z "$src" ]; then
  clone=$OUT/.libfuzzer-dotnet
  [ -f "$clone/libfuzzer-dotnet.cc" ] || git clone -q --depth 1 https://github.com/Metalnem/libfuzzer-dotnet "$clone" \
    || fail "libfuzzer-dotnet.cc not found: set LIBFUZZER_DOTNET_SRC to its path (https://github.com/Metalnem/libfuzzer-dotnet)"
  src=$clone/libfuzzer-dotnet.cc
fi
[ -f "$src" ] || fail "$src: not found"
if [ -n "${LIB_FUZZING_ENGINE:-}" ]; then
  engine=($LIB_FUZZING_ENGINE)
else
  lib=$(ls /usr/lib/llvm-*/lib/libFuzzer.a 2> /dev/null | sort -V | tail -1 || true)
  [ -n "$lib" ] || fail "no libFuzzer: install the Debian package libfuzzer-14-dev (or set LIB_FUZZING_ENGINE=-fsanitize=fuzzer)"
  engine=("$lib" -lpthread)
fi
echo "== libfuzzer-dotnet from $src (engine: ${engine[*]})"
"$CXX" -O2 "$src" "${engine[@]}" -o "$OUT/libfuzzer-dotnet"

# 2. The harness, published. Its build instruments a copy of the model with sharpfuzz
#    (fuzz/InstrumentModel.targets); publish copies the pristine model, so put that copy in its place.
echo "== publish the harness (model instrumented by sharpfuzz)"
rm -rf "$OUT/irqverify"
(cd "$ROOT" && dotnet tool restore -v q > /dev/null)
dotnet publish -c Release -v q -nologo "$ROOT/fuzz/harness/IrqVerify.Fuzz.Harness.csproj" -o "$OUT/irqverify" | grep -E "error" || true
cp "$ROOT/fuzz/harness/obj/Release/net10.0/sharpfuzz/IrqVerify.Model.dll" "$OUT/irqverify/IrqVerify.Model.dll"

# 3. One target per configuration: a wrapper that starts libfuzzer-dotnet on the harness.
target() { # NAME HARNESS-ARGS...
  local name=$1; shift
  printf '#!/bin/sh\nexec dotnet "$(dirname "$0")/irqverify-afl.dll" --libfuzzer %s\n' "$*" > "$OUT/irqverify/$name.sh"
  # The comment line lets OSS-Fuzz/ClusterFuzzLite recognize the script as a fuzz target.
  printf '#!/bin/sh\n# LLVMFuzzerTestOneInput: libFuzzer target %s (SharpFuzz libfuzzer-dotnet + irqverify-afl %s)\nd=$(dirname "$0")\nexec "$d/libfuzzer-dotnet" --target_path="$d/irqverify/%s.sh" "$@"\n' \
    "$name" "$*" "$name" > "$OUT/$name"
  chmod +x "$OUT/irqverify/$name.sh" "$OUT/$name"
  cp "$ROOT/fuzz/irqverify.dict" "$OUT/$name.dict"
  # Inputs beyond 256 bytes decode to programs of hundreds of calls: slow and no more reach (the
  # in-process fuzzer uses the same cap).
  printf '[libfuzzer]\nmax_len = 256\n' > "$OUT/$name.options"
  local seeds
  seeds=$(mktemp -d)
  dotnet "$OUT/irqverify/irqverify-afl.dll" "$@" --encode-seeds "$seeds" "$ROOT/models/examples" "$ROOT/tests/regressions" > /dev/null
  rm -f "$OUT/${name}_seed_corpus.zip"
  (cd "$seeds" && zip -q "$OUT/${name}_seed_corpus.zip" ./*)
  rm -rf "$seeds"
  echo "target $OUT/$name"
}
target irqverify_model
for v in $variants; do target "irqverify_model_$(echo "$v" | tr 'A-Z-' 'a-z_')" --variant "$v"; done
