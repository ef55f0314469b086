#!/usr/bin/env bash
# Recovery after a flap of the node's own link (issue 10): a babeld neighbour N (its defaults: Hellos every 4 s,
# updates every 16 s) and the node under test J on one veth. J's end goes down, stays down DOWN seconds (default
# 1), comes back up; the figure is the seconds from "link up" until N's address is in J's FIB again. N sends its
# table once when it sees the carrier come back and ignores a wildcard request soon after a full dump, so a node
# that neither hears that table nor asks for the routes it lost waits for N's next periodic update.
# Runs RUNS flaps with jbabeld as J, then RUNS with babeld as J (never both at once); prints every figure, the
# median and the worst of each. Needs root, babeld and iproute2.
# Usage: bench/flap.sh [RUNS [DOWN]]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
runs=${1:-5}
down=${2:-1}
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
command -v babeld >/dev/null || { echo "needs babeld (apt-get install babeld)" >&2; exit 1; }
"$root/bin/jbabeld" -V >/dev/null # builds when needed, so that the build is not measured

tag=$$
n=flap-n-$tag j=flap-j-$tag
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.5
    ip netns del "$n" 2>/dev/null || true
    ip netns del "$j" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
now() { date +%s.%N; }

# One flap at J; prints the seconds until N's route is back.
flap() {
    ip -n "$j" link set vj down
    for _ in $(seq 1 200); do ip -n "$j" -6 route | grep -q "2001:db8:1::1 via" || break; sleep 0.05; done
    sleep "$down"
    local t0 t1
    t0=$(now)
    ip -n "$j" link set vj up
    for _ in $(seq 1 1200); do
        ip -n "$j" -6 route | grep -q "2001:db8:1::1 via" && break
        sleep 0.02
    done
    t1=$(now)
    echo "$t1 - $t0" | bc -l
}

stats() { # figures on stdin: "median M worst W"
    sort -g | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2;
        printf "median %.2f s, worst %.2f s\n", m, a[NR] }'
}

for who in jbabeld babeld; do
    ip netns add "$n"; ip netns add "$j"
    ip -n "$n" link set lo up; ip -n "$j" link set lo up
    ip link add vn netns "$n" type veth peer name vj netns "$j"
    ip -n "$n" link set vn up; ip -n "$j" link set vj up
    ip -n "$n" -6 addr add 2001:db8:1::1/128 dev lo
    ip -n "$j" -6 addr add 2001:db8:2::1/128 dev lo
    sleep 2
    ip netns exec "$n" babeld -I "$tmp/n.pid" -S "$tmp/n.state" -L "$tmp/n.log" -D vn
    pids+=("$(cat "$tmp/n.pid")")
    if [ "$who" = jbabeld ]; then
        ip netns exec "$j" "$root/bin/jbabeld" -S "$tmp/j.state" vj > "$tmp/j.log" 2>&1 &
        pids+=("$!")
    else
        ip netns exec "$j" babeld -I "$tmp/j.pid" -S "$tmp/j.state" -L "$tmp/j.log" -D vj
        pids+=("$(cat "$tmp/j.pid")")
    fi
    for _ in $(seq 1 300); do ip -n "$j" -6 route | grep -q "2001:db8:1::1 via" && break; sleep 0.1; done
    sleep 5
    figures=()
    for _ in $(seq 1 "$runs"); do
        figures+=("$(flap)")
        sleep 3
    done
    echo "$who as J: ${figures[*]}"
    echo "$who as J: $(printf '%s\n' "${figures[@]}" | stats)"
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    pids=()
    sleep 1
    ip netns del "$n"; ip netns del "$j"
    rm -f "$tmp"/*.pid "$tmp"/*.state
done
