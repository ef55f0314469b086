#!/usr/bin/env bash
# A babeld announces PREFIXES (default 10,000) IPv6 prefixes over a veth; jbabeld and then babeld, each started
# fresh in a namespace of its own on the other end of a veth from the same sender, receive the table. For each
# receiver: seconds from its start until the first and until the last prefix is in its FIB, the burst between the
# two, its CPU seconds and peak RSS at that moment, and the datagrams its kernel dropped for a full socket buffer.
# Receivers run one after the other, never at the same time. Needs root, babeld, iproute2 and netcat-openbsd.
# Usage: bench/daemon-10k.sh [PREFIXES [RUNS]]; RECEIVERS="jbabeld babeld" (the default) picks the receivers, of
# jbabeld (as bin/jbabeld starts it: from the JDK's ahead-of-time cache, recorded by bin/jbabeld -V when missing or
# stale), jbabeld-lean (without the cache, JBABEL_AOT_CACHE=) and babeld. CONTROL=1: a client asks jbabeld for a
# dump on its control socket as soon as it listens (the control server, netty, is loaded only for a client).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
n=${1:-10000}
runs=${2:-1}
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
command -v babeld >/dev/null || { echo "needs babeld (apt-get install babeld)" >&2; exit 1; }
[ "$n" -le 65536 ] || { echo "at most 65536 prefixes" >&2; exit 1; }
"$root/bin/jbabeld" -V >/dev/null # builds and records the cache when needed, so that neither is measured

tag=$$
s=b10k-s-$tag rj=b10k-j-$tag rb=b10k-b-$tag
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -f "$tmp/s.pid" ] && kill "$(cat "$tmp/s.pid")" 2>/dev/null || true
    sleep 0.5
    for ns in "$s" "$rj" "$rb"; do ip netns del "$ns" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT

for ns in "$s" "$rj" "$rb"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip link add sj netns "$s" type veth peer name r0 netns "$rj"
ip link add sb netns "$s" type veth peer name r0 netns "$rb"
ip link add st0 netns "$s" type veth peer name st1 netns "$s"
for l in sj sb st0 st1; do ip -n "$s" link set "$l" up; done
ip -n "$rj" link set r0 up
ip -n "$rb" link set r0 up
for ((i = 0; i < n; i++)); do printf 'route add 2001:db8:1:%x::/64 dev st0 proto static\n' "$i"; done >"$tmp/routes"
ip -n "$s" -batch "$tmp/routes"
sleep 2 # link-local addresses past DAD

ip netns exec "$s" babeld -D -I "$tmp/s.pid" -S "$tmp/s.state" -G "$tmp/s.sock" -L "$tmp/s.log" \
    -C 'redistribute ip 2001:db8:1::/48 ge 64' -C 'redistribute local deny' sj sb
xroutes=0
for ((i = 0; i < 100 && xroutes < n; i++)); do
    sleep 0.2
    xroutes=$(echo dump | timeout 5 nc -N -U "$tmp/s.sock" 2>/dev/null | grep -c '^add xroute' || true)
done
[ "$xroutes" -ge "$n" ] || { echo "the sender babeld announces only $xroutes prefixes" >&2; exit 1; }

clk=$(getconf CLK_TCK)
now() { date +%s.%N; }
# measure NAME NAMESPACE COMMAND...: prints one row of the table
measure() {
    local name=$1 ns=$2; shift 2
    local start first="" all="" count pid cpu rss drops asked=""
    start=$(now)
    ip netns exec "$ns" "$@" >"$tmp/$name.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    while true; do
        count=$(ip -n "$ns" -6 route show proto babel | grep -c '^2001:db8:1:' || true)
        [ -z "$first" ] && [ "$count" -gt 0 ] && first=$(now)
        if [ -n "${CONTROL:-}" ] && [ -z "$asked" ] && [ -S "$tmp/j.sock" ] && [ "$name" != babeld ]; then
            echo dump | timeout 5 nc -N -U "$tmp/j.sock" >/dev/null 2>&1 && asked=1
        fi
        if [ "$count" -ge "$n" ]; then all=$(now); break; fi
        if ! kill -0 "$pid" 2>/dev/null; then echo "$name exited: $(tail -3 "$tmp/$name.log")" >&2; return 1; fi
        if [ "$(echo "$(now) - $start > 180" | bc)" = 1 ]; then echo "$name: only $count prefixes after 180 s" >&2; break; fi
        sleep 0.02
    done
    cpu=$(awk -v t="$clk" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$pid/stat")
    rss=$(awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")
    # /proc/net/udp6: local address:port is field 2, drops the last field; 1A28 = 6696
    drops=$(ip netns exec "$ns" awk '$2 ~ /:1A28$/ { d += $NF } END { print d + 0 }' /proc/net/udp6)
    [ -n "${BENCH_INSPECT:-}" ] && $BENCH_INSPECT "$pid" >"$tmp/$name.inspect" 2>&1 && cat "$tmp/$name.inspect" >&2
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    ip -n "$ns" -6 route flush proto babel 2>/dev/null || true
    printf '%-8s %10s %10s %12s %8s %10s %10s\n' "$name" \
        "$(echo "${first:-$start} - $start" | bc | xargs printf '%.2f')" \
        "$(echo "${all:-$(now)} - $start" | bc | xargs printf '%.2f')" \
        "$(echo "${all:-$(now)} - ${first:-$start}" | bc | xargs printf '%.2f')" "$cpu" "$rss" "$drops"
}

echo "prefixes: $n; sender: babeld $(babeld -V 2>&1 | head -1); receivers started fresh, one at a time"
printf '%-8s %10s %10s %12s %8s %10s %10s\n' receiver "first (s)" "all (s)" "first→all (s)" "CPU (s)" "RSS (MiB)" "UDP drops"
receivers=${RECEIVERS:-jbabeld babeld}
for ((r = 0; r < runs; r++)); do
    for receiver in $receivers; do
        case $receiver in
            jbabeld) measure jbabeld "$rj" env JBABEL_NO_BUILD=1 "$root/bin/jbabeld" -I "$tmp/j.pid" \
                -S "$tmp/j.state" -G "$tmp/j.sock" r0 ;;
            jbabeld-lean) # without the JDK's ahead-of-time cache
                measure jb-lean "$rj" env JBABEL_NO_BUILD=1 JBABEL_AOT_CACHE= "$root/bin/jbabeld" \
                    -I "$tmp/j.pid" -S "$tmp/j.state" -G "$tmp/j.sock" r0 ;;
            babeld) measure babeld "$rb" babeld -I "$tmp/b.pid" -S "$tmp/b.state" -G "$tmp/b.sock" r0 ;;
            *) echo "unknown receiver $receiver" >&2; exit 1 ;;
        esac
    done
    rm -f "$tmp/j.state" "$tmp/b.state"
done
echo "command: ${CONTROL:+CONTROL=$CONTROL }${RECEIVERS:+RECEIVERS=\"$RECEIVERS\" }bench/daemon-10k.sh $n $runs"
echo "jbabeld JVM options: those of bin/jbabeld${JBABEL_JAVA_OPTS:+ plus $JBABEL_JAVA_OPTS}"
echo "machine: $(nproc) cores, $(uname -srm)"
