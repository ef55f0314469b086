#!/usr/bin/env bash
# DHCP load (issue 13): DISCOVER-to-ACK latency (median, p99) and leases per second for CLIENTS clients (default
# 200), jbabeld's `ddhcp` against dnsmasq serving the same pool, one after the other in the same run, with the same
# generator and parameters. Layout: a server namespace (srv0, 10.116.224.1/21) joined by a veth to a client
# namespace (cli0, no address); for jbabeld a third namespace on bab0 gives it a Babel interface (its block messages
# go there, nobody answers). The pool is 10.116.224.0/21 less the network, broadcast and server address (2,045
# addresses) for both:
#   dnsmasq  --no-daemon --port=0 (DHCP only) --dhcp-range=10.116.224.2,10.116.231.254 --no-ping --quiet-dhcp
#            --dhcp-authoritative, its lease file in a temporary directory (written as it acknowledges);
#   jbabeld  ddhcp client-interface srv0 range 10.116.224.0/21 block-size 32 router 10.116.224.1, learning false,
#            tentative-timeout 2, spare-leases 255, a state file in a temporary directory (written before each ACK).
# Warm-up, so that neither block claiming nor a cold start is measured: a server is started, then (jbabeld) the run
# waits until its own blocks hold the round's CLIENTS free addresses; then WARMUP clients (default 50, not counted)
# are served by each server alike; before every measured round jbabeld's own blocks again hold CLIENTS free addresses
# (it claims more in the background as its spare count drops; `ddhcp.dhcp.need_addresses`, a pool that ran dry,
# is printed and should stay 0). Keep CLIENTS at most 250 so that one round fits the 255 spare leases.
# The generator is bench/dhcp-load.py (Python 3, standard library) in the client namespace: one socket on
# 0.0.0.0:68 bound to cli0, random locally administered MACs and xids, DISCOVER -> OFFER -> REQUEST -> ACK with the
# broadcast flag, IN_FLIGHT clients at once (default 20), a step unanswered for 1 s sent again up to 4 times.
# Prints each round (with the load average when it ended) and one summary line per server: the median over rounds of
# the round's median and p99, leases per second, failures, and the server's CPU time (user+sys) over the measured
# rounds. Needs root, dnsmasq (apt-get install dnsmasq-base), python3, iproute2.
# KEEP_LOGS=DIR keeps the servers' logs.
# Usage: [SERVERS="dnsmasq jbabeld"] [ROUNDS=3] [WARMUP=50] [IN_FLIGHT=20] bench/dhcp-load.sh [CLIENTS]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
clients=${1:-200}
servers=${SERVERS:-dnsmasq jbabeld}
rounds=${ROUNDS:-3}
warmup=${WARMUP:-50}
inflight=${IN_FLIGHT:-20}
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
command -v dnsmasq >/dev/null || { echo "needs dnsmasq (apt-get install dnsmasq-base)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 1; }
"$root/bin/jbabeld" -V >/dev/null # builds when needed, so that the build is not measured
export JBABEL_NO_BUILD=1

tag=$$
tmp=$(mktemp -d)
pids=()
nss=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.5
    for n in "${nss[@]}"; do ip netns del "$n" 2>/dev/null || true; done
    if [ -n "${KEEP_LOGS:-}" ]; then mkdir -p "$KEEP_LOGS"; cp "$tmp"/*.log "$KEEP_LOGS"/ 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }
# user+sys CPU seconds of a process
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"; }
ctl() { "$root/bin/jbabel" ctl --socket "$tmp/jbabeld.sock" "$@"; }
own_blocks() { ctl ddhcp blocks 2>/dev/null | grep -cP '^\d+\t4\t' || true; }
counter() {
    ctl dump --json | python3 -c 'import json, sys
lines = [l for l in sys.stdin if l.startswith("{")]
print(json.loads(lines[-1]).get("counters", {}).get(sys.argv[1], 0))' "$1"
}

# jbabeld: waits until its own blocks hold NEED addresses (all it has acknowledged plus the next round's clients)
wait_blocks() {
    local need=$1 t=0
    until [ $(($(own_blocks) * 32 - 3)) -ge "$need" ]; do
        sleep 1
        t=$((t + 1))
        [ $t -lt 120 ] || { echo "jbabeld: its blocks never held $need addresses" >&2; return 1; }
    done
}

run_server() {
    local server=$1 s=dl-s-$tag-$1 c=dl-c-$tag-$1 o=dl-o-$tag-$1 pid
    for n in $s $c $o; do ip netns add $n; nss+=($n); ip -n $n link set lo up; done
    ip link add srv0 netns $s type veth peer name cli0 netns $c
    ip link add bab0 netns $s type veth peer name bab1 netns $o
    ip -n $s link set srv0 up; ip -n $c link set cli0 up; ip -n $s link set bab0 up; ip -n $o link set bab1 up
    ip -n $s addr add 10.116.224.1/21 dev srv0
    if [ "$server" = dnsmasq ]; then
        ip netns exec $s dnsmasq --no-daemon --port=0 --interface=srv0 --bind-interfaces --no-ping --quiet-dhcp \
            --dhcp-authoritative --dhcp-range=10.116.224.2,10.116.231.254,255.255.248.0,600 \
            --dhcp-leasefile="$tmp/dnsmasq.leases" --pid-file= >"$tmp/dnsmasq.log" 2>&1 &
        pid=$!
        pids+=($pid)
        sleep 1
    else
        ip netns exec $s "$root/bin/jbabeld" -I "$tmp/jbabeld.pid" -S "$tmp/jbabeld.state" -G "$tmp/jbabeld.sock" \
            -C "ddhcp client-interface srv0 range 10.116.224.0/21 block-size 32 router 10.116.224.1 lease-time 600" \
            -C "ddhcp learning false" -C "ddhcp tentative-timeout 2" -C "ddhcp spare-leases 255" \
            -C "ddhcp state-file $tmp/ddhcp.state" bab0 >"$tmp/jbabeld.log" 2>&1 &
        pid=$!
        pids+=($pid)
        local t=0
        until [ -S "$tmp/jbabeld.sock" ]; do
            sleep 0.5; t=$((t + 1)); [ $t -lt 120 ] || { echo "jbabeld did not start" >&2; return 1; }
        done
        wait_blocks "$((warmup > clients ? warmup : clients))"
    fi
    local acked=0 out
    if [ "$warmup" -gt 0 ]; then
        out=$(ip netns exec $c python3 "$root/bench/dhcp-load.py" cli0 "$warmup" "$inflight")
        echo "$server warm-up: $out"
        acked=$(awk '{ print $4 }' <<<"$out")
    fi
    [ "$server" = jbabeld ] && wait_blocks $((acked + clients))
    local cpu0 cpu1 r lines=()
    cpu0=$(cpu $pid)
    for r in $(seq 1 "$rounds"); do
        out=$(ip netns exec $c python3 "$root/bench/dhcp-load.py" cli0 "$clients" "$inflight")
        echo "$server round $r: $out, load $(load)"
        lines+=("$out")
        acked=$((acked + $(awk '{ print $4 }' <<<"$out")))
        if [ "$server" = jbabeld ] && [ "$r" -lt "$rounds" ]; then
            local c0; c0=$(cpu $pid); wait_blocks $((acked + clients)); cpu0=$(awk -v a="$cpu0" -v b="$c0" -v n="$(cpu $pid)" 'BEGIN { printf "%.2f", a + n - b }')
        fi
    done
    cpu1=$(cpu $pid)
    local extra=""
    [ "$server" = jbabeld ] && extra=", pool ran dry $(counter ddhcp.dhcp.need_addresses) times"
    printf '%s\n' "${lines[@]}" | awk -v server=$server -v cpu="$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", b - a }')" \
        -v load="$(load)" -v extra="$extra" '
        function med(a, n,   i, j, x) {
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        { n++; m[n] = $12; p[n] = $15; l[n] = $18; ok += $4; fail += $6; all += $2 }
        END {
            printf "%s: %d rounds of %d clients: median %.1f ms, p99 %.1f ms, %.0f leases/s (medians over rounds), %d of %d failed, server CPU %s s over the rounds%s; load %s\n",
                server, n, all / n, med(m, n), med(p, n), med(l, n), fail, all, cpu, extra, load
        }'
    kill $pid 2>/dev/null || true
}

echo "dhcp-load: $clients clients, $inflight in flight, $rounds rounds after $warmup warm-up clients; $(date -u '+%F %T') UTC, load $(load)"
for server in $servers; do
    run_server "$server" || echo "$server: failed" >&2
done
