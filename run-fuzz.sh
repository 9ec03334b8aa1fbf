#!/usr/bin/env bash
# AFL++ campaigns on the IrqVerify model through SharpFuzz (see docs/fuzzing.md).
#
#   ./run-fuzz.sh [-j N] [--variant K?]... [--out DIR] [--time SECONDS] [--only ID,ID] [--until-crash]
#                 [--no-build] [-c Release|Debug]
#       build the harness (its model copy is instrumented by sharpfuzz), seed the corpus, run 1 main +
#       N-1 secondary afl-fuzz instances (default N = number of cores) on SharpFuzz's out-of-process fork
#       server, print a status line; resumes DIR in place if it exists.
#       A supervisor restarts any instance that dies (kill -9 included) with AFL's in-place resume;
#       an instance that ends normally (--time ran out, or --until-crash saw its first crash) stays ended.
#   ./run-fuzz.sh triage [--variant K?]... [--out DIR] [--findings DIR]
#       every crash of the campaign -> minimized program files named by violated invariant ids,
#       ready for `irqverify run` / `irqverify fuzz --replay` and for tests/regressions/.
#   ./run-fuzz.sh status [--out DIR]
#
# Multi-host: run the main on one host (-j N), and on every other host `./run-fuzz.sh -j N --secondary-only
# --name-prefix $(hostname)- --out DIR` on the same DIR (a shared/NFS sync dir, or rsync each host's
# instance directories into the others every few minutes: AFL++ imports from every directory in -o).
# Layout of DIR: <instance>/{queue,crashes,hangs,fuzzer_stats}, seeds/, logs/ (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)

mode=campaign
if [ "${1:-}" = triage ] || [ "${1:-}" = status ]; then mode=$1; shift; fi
jobs=$(nproc)
out=$ROOT/irqverify-out/afl
findings=$ROOT/irqverify-out/afl-findings
variants=()
time_limit=""
only=""
build=1
secondary_only=0
prefix=""
config=Release
until_crash=0
while [ $# -gt 0 ]; do
  case "$1" in
    -j) jobs=$2; shift 2 ;;
    --variant) variants+=("$2"); shift 2 ;;
    --out) out=$(realpath -m "$2"); shift 2 ;;
    --findings) findings=$(realpath -m "$2"); shift 2 ;;
    --time) time_limit=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --until-crash) until_crash=1; shift ;;
    -c) config=$2; shift 2 ;;
    --secondary-only) secondary_only=1; shift ;;
    --name-prefix) prefix=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "run-fuzz.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

BIN=$ROOT/fuzz/harness/bin/$config/net10.0
CLI=$ROOT/src/IrqVerify.Cli/bin/$config/net10.0/irqverify.dll
harness_args=()
for v in "${variants[@]}"; do harness_args+=(--variant "$v"); done
[ -n "$only" ] && harness_args+=(--only "$only")
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

build_all() {
  # The harness build instruments its own copy of IrqVerify.Model.dll with the local tool `sharpfuzz`
  # (fuzz/InstrumentModel.targets; idempotent, the Model project's bin stays pristine).
  echo "== build ($config); the harness's model copy is instrumented by sharpfuzz"
  dotnet tool restore -v q > /dev/null
  dotnet build -c "$config" -v q -nologo "$ROOT/fuzz/harness/IrqVerify.Fuzz.Harness.csproj" | grep -E "error|Warn|Elapsed" || true
  dotnet build -c "$config" -v q -nologo "$ROOT/src/IrqVerify.Cli/IrqVerify.Cli.csproj" | grep -E "error|Elapsed" || true
}

need_afl() {
  command -v afl-fuzz > /dev/null && return 0
  if [ "$(id -u)" = 0 ]; then
    echo "== afl-fuzz not found: installing the Debian package afl++"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ > /dev/null
  else
    echo "run-fuzz.sh: afl-fuzz not found. Install the Debian package 'afl++' (sudo apt-get install afl++) and rerun." >&2
    exit 2
  fi
}

status_line() {
  local execs=0 eps=0 paths=0 crashes=0 alive=0 f
  for f in "$out"/*/fuzzer_stats; do
    [ -f "$f" ] || continue
    execs=$((execs + $(awk -F: '/^execs_done/{gsub(/ /,"",$2); print $2}' "$f")))
    eps=$(awk -v a="$eps" -F: '/^execs_per_sec/{gsub(/ /,"",$2); print a + $2}' "$f")
    paths=$((paths + $(awk -F: '/^corpus_count/{gsub(/ /,"",$2); print $2}' "$f")))
    crashes=$((crashes + $(awk -F: '/^saved_crashes/{gsub(/ /,"",$2); print $2}' "$f")))
  done
  local distinct
  distinct=$(dotnet "$BIN/irqverify-afl.dll" "${harness_args[@]}" --signatures "$out"/*/crashes* 2>/dev/null | cut -d' ' -f1 || echo "?")
  printf '%s  execs %s (%s/s)  paths %s  crashes %s  distinct failures %s\n' "$(date +%T)" "$execs" "$eps" "$paths" "$crashes" "$distinct"
}

if [ "$mode" = status ]; then status_line; exit 0; fi

if [ "$mode" = triage ]; then
  [ -f "$CLI" ] || build_all
  tmp=$(mktemp -d)
  n=0
  for f in "$out"/*/crashes*/id:*; do [ -f "$f" ] && cp "$f" "$tmp/$(basename "$(dirname "$(dirname "$f")")")-$n" && n=$((n + 1)); done
  echo "== triage: $n crash file(s) from $out"
  vflags=()
  for v in "${variants[@]}"; do vflags+=(--variant "$v"); done
  set +e
  dotnet "$CLI" fuzz --triage "$tmp" --out "$findings" "${vflags[@]}"
  rc=$?
  set -e
  rm -rf "$tmp"
  echo "findings in $findings (copy the ones worth keeping to tests/regressions/)"
  [ $rc -le 1 ] && exit 0 || exit $rc
fi

need_afl
[ $build = 1 ] && build_all
mkdir -p "$out/logs"
seeds=$out/seeds
if [ ! -d "$seeds" ] || [ -z "$(ls -A "$seeds" 2>/dev/null)" ]; then
  dotnet "$BIN/irqverify-afl.dll" "${harness_args[@]}" --encode-seeds "$seeds" "$ROOT/models/examples" "$ROOT/tests/regressions" "$ROOT/fuzz/corpus"
  [ -n "$(ls -A "$seeds")" ] || printf '\x00' > "$seeds/empty"
fi

# AFL_SKIP_BIN_CHECK: the target is `dotnet`, whose instrumentation AFL cannot see. AFL_MAP_SIZE: SharpFuzz's
# 64 KiB edge map followed by the harness's domain features (fuzz/harness/DomainMap.cs).
export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_FORKSRV_INIT_TMOUT=60000 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CRASHES=1
export AFL_SKIP_BIN_CHECK=1 AFL_MAP_SIZE=73728
[ $until_crash = 1 ] && export AFL_BENCH_UNTIL_CRASH=1
pids=()
names=()
finished=()
start_instance() { # index
  local i=$1 name role
  if [ "$i" = 0 ] && [ $secondary_only = 0 ]; then name=${prefix}main; role=-M; else name=${prefix}sec$i; role=-S; fi
  local input=$seeds
  [ -f "$out/$name/fuzzer_stats" ] || [ -d "$out/$name/queue" ] && input=-   # resume in place
  local tmpdir=/dev/shm/irqverify-afl-$name-$$-$RANDOM
  mkdir -p "$tmpdir"
  local vtime=()
  [ -n "$time_limit" ] && vtime=(-V "$time_limit")
  AFL_TMPDIR=$tmpdir setsid afl-fuzz -i "$input" -o "$out" $role "$name" -t 5000 -m none "${vtime[@]}" \
    -x "$ROOT/fuzz/irqverify.dict" -- dotnet "$BIN/irqverify-afl.dll" "${harness_args[@]}" \
    >> "$out/logs/$name.log" 2>&1 &
  pids[$i]=$!
  names[$i]=$name
  echo "started $name (pid ${pids[$i]}, AFL_TMPDIR $tmpdir, input $input)"
}

stop_all() {
  for p in "${pids[@]}"; do kill -INT "$p" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf /dev/shm/irqverify-afl-*-$$-* 2> /dev/null || true
}
trap 'stop_all; exit 130' INT TERM

echo "== campaign in $out: $jobs instance(s), variant(s): ${variants[*]:-reference}"
for ((i = 0; i < jobs; i++)); do start_instance $i; done
ticks=0
while :; do
  sleep 5
  ticks=$((ticks + 1))
  running=0
  for ((i = 0; i < jobs; i++)); do
    [ "${finished[$i]:-0}" = 1 ] && continue
    if kill -0 "${pids[$i]}" 2> /dev/null; then running=$((running + 1)); continue; fi
    wait "${pids[$i]}" 2> /dev/null && rc=0 || rc=$?
    # rc 0: -V ran out or --until-crash found one: finished. Anything else (kill -9 of afl-fuzz, an
    # abort): resume it in place. (A killed or hung harness worker is restarted by SharpFuzz's
    # supervisor without AFL noticing.)
    if [ "$rc" = 0 ]; then finished[$i]=1; continue; fi
    echo "instance ${names[$i]} exited (rc $rc): restarting it (resume in place)"
    tail -3 "$out/logs/${names[$i]}.log" || true
    start_instance $i
    running=$((running + 1))
  done
  [ $((ticks % 3)) = 0 ] && status_line
  [ $running = 0 ] && break
done
status_line
rm -rf /dev/shm/irqverify-afl-*-$$-* 2> /dev/null || true
echo "campaign finished; run ./run-fuzz.sh triage${variants[*]:+ --variant ${variants[*]}} --out $out"
