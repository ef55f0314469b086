#!/usr/bin/env bash
# Start-up: two fresh nodes on one veth, each with an address on its loopback; seconds until both have the other's
# address in their FIB, with the CPU seconds and peak RSS of each at that moment. Two cases: both started at the
# same moment, and a newcomer y started JOIN seconds (default 20) after x (timed from y's start): only then does
# the running node's table have to come from an answer to the newcomer's request or from a periodic update.
# Runs a jbabeld pair as bin/jbabeld starts it (from the JDK's ahead-of-time cache, which bin/jbabeld -V records
# first when it is missing or stale), a jbabeld pair without the cache (JBABEL_AOT_CACHE= : jbabeld-lean), then a
# babeld pair (never two pairs at once). Needs root, babeld and iproute2.
# PIN=1 pins node x to CPU 0 and node y to CPU 1 (two nodes with a core each, as two real nodes are, instead of two
# JVMs sharing both cores).
# Usage: bench/daemon-startup.sh [RUNS [JOIN]]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
runs=${1:-1}
join=${2:-20}
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
command -v babeld >/dev/null || { echo "needs babeld (apt-get install babeld)" >&2; exit 1; }
"$root/bin/jbabeld" -V >/dev/null # builds and records the cache when needed, so that neither is measured

tag=$$
x=bst-x-$tag y=bst-y-$tag
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.5
    ip netns del "$x" 2>/dev/null || true
    ip netns del "$y" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$x"; ip netns add "$y"
ip -n "$x" link set lo up; ip -n "$y" link set lo up
ip link add vx netns "$x" type veth peer name vy netns "$y"
ip -n "$x" link set vx up; ip -n "$y" link set vy up
ip -n "$x" -6 addr add 2001:db8:1::1/128 dev lo
ip -n "$y" -6 addr add 2001:db8:2::1/128 dev lo
sleep 2 # link-local addresses past DAD

clk=$(getconf CLK_TCK)
now() { date +%s.%N; }
usage() { # PID: "CPU-seconds RSS-MiB"
    [ -r "/proc/$1/stat" ] || { echo "exited"; return; }
    awk -v t="$clk" '{ printf "%.2f ", ($14 + $15) / t }' "/proc/$1/stat"
    awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}
# node NAME NODE: the command line of a daemon NAME (jbabeld or babeld) for node NODE (x or y)
node() {
    if [ -n "${PIN:-}" ]; then
        if [ "$2" = x ]; then echo taskset -c 0; else echo taskset -c 1; fi
    fi
    case $1 in
        jbabeld) echo env JBABEL_NO_BUILD=1 "$root/bin/jbabeld" -I "$tmp/j$2.pid" -S "$tmp/j$2.state" -G "$tmp/j$2.sock" "v$2" ;;
        jbabeld-lean) echo env JBABEL_NO_BUILD=1 JBABEL_AOT_CACHE= "$root/bin/jbabeld" -I "$tmp/j$2.pid" \
            -S "$tmp/j$2.state" -G "$tmp/j$2.sock" "v$2" ;;
        babeld) echo babeld -I "$tmp/b$2.pid" -S "$tmp/b$2.state" -G "$tmp/b$2.sock" "v$2" ;;
    esac
}
# pair NAME DELAY: starts two NAME daemons, y DELAY seconds after x, and waits until they exchanged routes
pair() {
    local name=$1 delay=$2 start px py done_at="" ux uy
    # shellcheck disable=SC2046 # the command lines have no blanks inside words
    ip netns exec "$x" $(node "$name" x) >"$tmp/$name-x.log" 2>&1 & px=$!
    sleep "$delay"
    start=$(now)
    # shellcheck disable=SC2046
    ip netns exec "$y" $(node "$name" y) >"$tmp/$name-y.log" 2>&1 & py=$!
    pids+=("$px" "$py")
    while true; do
        if ip -n "$x" -6 route show proto babel | grep -q '^2001:db8:2::1 ' \
            && ip -n "$y" -6 route show proto babel | grep -q '^2001:db8:1::1 '; then
            done_at=$(now); break
        fi
        if [ "$(echo "$(now) - $start > 120" | bc)" = 1 ]; then echo "$name: no exchange within 120 s" >&2; break; fi
        sleep 0.02
    done
    ux=$(usage "$px"); uy=$(usage "$py")
    kill "$px" "$py"; wait "$px" "$py" 2>/dev/null || true
    ip -n "$x" -6 route flush proto babel 2>/dev/null || true
    ip -n "$y" -6 route flush proto babel 2>/dev/null || true
    printf '%-11s %6s %12s %14s %14s\n' "$name" "$delay" "$(echo "${done_at:-$(now)} - $start" | bc | xargs printf '%.2f')" \
        "$ux" "$uy"
}

cache=$root/cli/target/jbabeld.aot
if [ -s "$cache" ]; then echo "AOT cache: $(du -m "$cache" | cut -f1) MiB"; else echo "no AOT cache: jbabeld runs without"; fi

echo "two fresh nodes on one veth, default timers; time from y's start until both have the other's loopback route"
printf '%-11s %6s %12s %14s %14s\n' pair "y after" "exchange (s)" "x: CPU s, MiB" "y: CPU s, MiB"
for ((r = 0; r < runs; r++)); do
    for delay in 0 "$join"; do
        pair jbabeld "$delay"
        rm -f "$tmp"/?x.state "$tmp"/?y.state
        pair jbabeld-lean "$delay"
        rm -f "$tmp"/?x.state "$tmp"/?y.state
        pair babeld "$delay"
        rm -f "$tmp"/?x.state "$tmp"/?y.state
    done
done
echo "command: ${PIN:+PIN=$PIN }bench/daemon-startup.sh $runs $join"
echo "machine: $(nproc) cores, $(uname -srm)"
