#!/usr/bin/env bash
# The long fuzzing run of issue 15: every parser that takes outside input, coverage-guided by Jazzer (JAZZER_FUZZ=1),
# RUNS inputs each (default 10^6), seeded from the corpus kept in the repo (src/test/resources/.../*FuzzTestInputs).
# Prints, per target, the inputs run, the seconds libFuzzer took, inputs/s, the final coverage line and whether it
# found something; a finding is written by Jazzer next to the corpus (crash-*), where it becomes a regression test.
# Usage: bench/fuzz.sh [RUNS] [TARGET...]   (TARGET: module:Class#method, default all)
set -uo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
. bin/java-env.sh
runs=${1:-1000000}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(babel-core:PacketReaderFuzzTest#packetReader babel-core:ControlProtocolFuzzTest#controlLines
             babel-core:ConfigFuzzTest#configFile roaming:IntercomFuzzTest#intercom roaming:MmfdFuzzTest#mmfdDatagram
             ddhcp:BlockCodecFuzzTest#blockMessage ddhcp:DhcpFuzzTest#dhcpMessage
             xlat:TranslatorFuzzTest#fourToSix xlat:TranslatorFuzzTest#sixToFour
             xlat:Nat426CodecFuzzTest#arpFrame xlat:Nat426CodecFuzzTest#resolverMessage)
fi
out=target/fuzz
mkdir -p "$out"
# Build once; each target then runs in its own JVM (Jazzer fuzzes one test per JVM).
./mvnw -B -ntp -q -o test-compile -pl babel-core,roaming,ddhcp,xlat -am || exit 1
printf '%-45s %10s %7s %9s  %-8s %s\n' target inputs seconds inputs/s finding coverage
failed=0
for t in "${targets[@]}"; do
    module=${t%%:*}
    test=${t#*:}
    log="$out/${test//#/-}.log"
    JAZZER_FUZZ=1 ./mvnw -B -ntp -o test -pl "$module" -am -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
        -Djazzer.max_executions="$runs" -Djazzer.max_duration=2h >"$log" 2>&1
    status=$?
    done_line=$(grep -a '^Done [0-9]* runs in' "$log" | tail -1)
    n=$(echo "$done_line" | awk '{print $2}')
    s=$(echo "$done_line" | awk '{print $5}')
    cov=$(grep -a -E '^#[0-9]+.*cov: ' "$log" | tail -1 | grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9/]*[a-zA-Z]*')
    finding=no
    if [ $status -ne 0 ] || grep -a -q 'FuzzTestFinding\|== Java Exception\|deadly signal' "$log"; then
        finding=YES
        failed=1
    fi
    rate=-
    if [ -n "$n" ] && [ -n "$s" ] && [ "$s" -gt 0 ]; then rate=$((n / s)); fi
    printf '%-45s %10s %7s %9s  %-8s %s\n' "$t" "${n:--}" "${s:--}" "$rate" "$finding" "$cov"
done
echo "logs: $out/*.log; findings: git status --short '*Inputs*'"
echo "command: bench/fuzz.sh $runs ${*}"
echo "machine: $(nproc) cores, $(uname -srm), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), load: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $failed
