#!/usr/bin/env bash
# Runs the 1,000-node grid (40 x 25) through `bin/jbabel sim --json` under /usr/bin/time -v and prints the
# simulator's JSON result, the wall time and the peak RSS. Extra arguments go to `jbabel sim` (e.g. --seed 2).
# Usage: bench/sim-grid-1000.sh [jbabel sim options...]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }
# Build first so that the build is not part of the measurement.
"$root/bin/jbabel" --version >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set +e
/usr/bin/time -v -o "$tmp/time" "$root/bin/jbabel" sim --topology grid:40x25 --json --quiet "$@" >"$tmp/out"
rc=$?
set -e
cat "$tmp/out"
echo "command: bin/jbabel sim --topology grid:40x25 --json --quiet $*"
echo "exit code: $rc"
sed -n 's/^\s*Elapsed (wall clock) time (h:mm:ss or m:ss): /wall time: /p; s/^\s*Maximum resident set size (kbytes): \(.*\)/peak RSS: \1 kB/p' "$tmp/time"
echo "machine: $(nproc) cores, $(uname -srm)"
exit "$rc"
