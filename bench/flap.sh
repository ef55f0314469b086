#!/usr/bin/env bash
# Recovery after a flap of the node's own link (issue 10): a babeld neighbour N (its defaults: Hellos every 4 s,
# updates every 16 s) and the node under test J on one veth. J's end goes down, stays down DOWN seconds (default
# 1), comes back up; the figure is the seconds from "link up" until N's address is in J's FIB again. N sends its
# table once when it sees the carrier come back and ignores a wildcard request soon after a full dump, so a node
# that neither hears that table nor asks for the routes it lost waits for N's next periodic update.
# Runs RUNS flaps with jbabeld as J, then RUNS with babeld as J (never both at once); prints every figure, the
# median and the worst of each. Needs root, babeld and iproute2.
# NEIGHBOUR=frr makes N FRR's babeld (with its zebra; FRR's defaults: Hellos every 4 s, updates every 16 s) instead
# of babeld; that needs the Debian package frr (/usr/lib/frr/{zebra,babeld}, vtysh).
# Usage: [NEIGHBOUR=babeld|frr] bench/flap.sh [RUNS [DOWN]]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
runs=${1:-5}
down=${2:-1}
neighbour=${NEIGHBOUR:-babeld}
case "$neighbour" in
    babeld) ;;
    frr) [ -x /usr/lib/frr/babeld ] && [ -x /usr/lib/frr/zebra ] && command -v vtysh >/dev/null \
        || { echo "NEIGHBOUR=frr needs FRR's babeld (apt-get install frr)" >&2; exit 1; } ;;
    *) echo "NEIGHBOUR must be babeld or frr, not $neighbour" >&2; exit 1 ;;
esac
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
command -v babeld >/dev/null || { echo "needs babeld (apt-get install babeld)" >&2; exit 1; }
"$root/bin/jbabeld" -V >/dev/null # builds when needed, so that the build is not measured

tag=$$
n=flap-n-$tag j=flap-j-$tag
tmp=$(mktemp -d)
chmod 711 "$tmp" # FRR's daemons run as user frr and keep their files in $tmp/frr
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
# The pid in a pid file that a daemon going to the background writes after its parent has returned.
pid_of() {
    for _ in $(seq 1 100); do [ -s "$1" ] && break; sleep 0.1; done
    cat "$1"
}

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

# N as FRR's babeld on vn: zebra and babeld daemonized, their files in $tmp/frr (owned by frr); vn is put under
# Babel through vtysh once FRR sees it up (not in babeld.conf: FRR 8.4 then joins ff02::1:6 twice and goes deaf).
start_frr() {
    local d=$tmp/frr
    mkdir -p "$d"
    printf 'hostname n\n' >"$d/zebra.conf"
    printf 'hostname n\ninterface vn\n babel wired\nexit\nrouter babel\n redistribute ipv6 connected\nexit\n' \
        >"$d/babeld.conf"
    chown -R frr:frr "$d"
    local daemon
    for daemon in zebra babeld; do
        ip netns exec "$n" /usr/lib/frr/$daemon -d -N "$n" -u frr -g frr -f "$d/$daemon.conf" -i "$d/$daemon.pid" \
            -z "$d/zserv.api" --vty_socket "$d" -P 0 --log "file:$d/$daemon.log" 2>>"$tmp/n.log"
        pids+=("$(pid_of "$d/$daemon.pid")")
        for _ in $(seq 1 100); do [ -S "$d/zserv.api" ] && break; sleep 0.1; done
    done
    for _ in $(seq 1 100); do
        vtysh --vty_socket "$d" -c 'show babel interface vn' 2>/dev/null | grep -q 'vn is up' && break
        sleep 0.1
    done
    vtysh --vty_socket "$d" -c 'configure terminal' -c 'router babel' -c 'network vn' >/dev/null
    for _ in $(seq 1 100); do ip -n "$n" -6 maddr show dev vn | grep -q 'ff02::1:6' && break; sleep 0.1; done
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
    if [ "$neighbour" = frr ]; then
        start_frr
    else
        ip netns exec "$n" babeld -I "$tmp/n.pid" -S "$tmp/n.state" -L "$tmp/n.log" -D vn
        pids+=("$(pid_of "$tmp/n.pid")")
    fi
    if [ "$who" = jbabeld ]; then
        ip netns exec "$j" "$root/bin/jbabeld" -S "$tmp/j.state" vj > "$tmp/j.log" 2>&1 &
        pids+=("$!")
    else
        ip netns exec "$j" babeld -I "$tmp/j.pid" -S "$tmp/j.state" -L "$tmp/j.log" -D vj
        pids+=("$(pid_of "$tmp/j.pid")")
    fi
    for _ in $(seq 1 300); do ip -n "$j" -6 route | grep -q "2001:db8:1::1 via" && break; sleep 0.1; done
    sleep 5
    figures=()
    for _ in $(seq 1 "$runs"); do
        figures+=("$(flap)")
        sleep 3
    done
    echo "$who as J, $neighbour as N: ${figures[*]}"
    echo "$who as J, $neighbour as N: $(printf '%s\n' "${figures[@]}" | stats)"
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    pids=()
    sleep 1
    ip netns del "$n"; ip netns del "$j"
    rm -rf "$tmp"/*.pid "$tmp"/*.state "$tmp/frr"
done
