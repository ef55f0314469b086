#!/usr/bin/env bash
# The route flood of issue 8, against jbabeld and then against babeld, in the same run with the same attacker:
# a real neighbour (babeld, 2001:db8:a::1 on its loopback, filtering the flood on input) — the victim — the attacker
# (conformance-tests' HostileFlood: one link-local source, one router-id, COUNT /128s re-sent every 2.5 s with an
# update interval of 3 s, Hellos and IHUs every 0.5 s, for FLOOD seconds, then silence). Each victim runs in fresh
# namespaces, one after the other. For each: peak RSS (VmHWM), most flooded routes seen in its FIB, whether the
# real route was in its FIB and ping worked at the end of the flood, whether it answered `dump` then (10 s at
# most), whether it was alive, and the flooded routes left in its FIB WAIT seconds after the attacker fell silent.
# Needs root, babeld, iproute2, netcat-openbsd and a build of the conformance tests' classes
# (./mvnw -q test-compile -pl conformance-tests -am).
# Usage: bench/hostile-flood.sh [COUNT [FLOOD [WAIT]]]; RECEIVERS="jbabeld babeld" (the default) picks the victims.
# ATTACKERS=N: N flooding neighbours (fe80::66, fe80::67, ...), each COUNT /128s of its own under 2001:db8:ffKK::/48.
# CLIENTS=N (at most 4): N control clients that never read, connected before the flood (monitor, dump json pipelined
# 50 times, monitor json, dump pipelined 50 times, in turn); they are closed at the end of the flood, before `dump`.
# NMT=1: jbabeld with -XX:NativeMemoryTracking=summary; its summary and heap at the end of the flood go to
# /tmp/hostile-flood-nmt.txt.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
n=${1:-200000}
flood=${2:-20}
wait_after=${3:-60}
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
command -v babeld >/dev/null || { echo "needs babeld (apt-get install babeld)" >&2; exit 1; }
cp="$root/babel-core/target/classes:$root/conformance-tests/target/test-classes"
[ -f "$root/conformance-tests/target/test-classes/org/jbabel/conformance/HostileFlood.class" ] ||
    { echo "build the conformance tests' classes first: ./mvnw -q test-compile -pl conformance-tests -am" >&2; exit 1; }
"$root/bin/jbabeld" -V >/dev/null # builds when needed, so that the build is not measured
. "$root/bin/java-env.sh" >/dev/null 2>&1 || true
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

attackers=${ATTACKERS:-1}
clients=${CLIENTS:-0}
[ "${NMT:-0}" = 1 ] && export JBABEL_JAVA_OPTS="${JBABEL_JAVA_OPTS:+$JBABEL_JAVA_OPTS }-XX:NativeMemoryTracking=summary"
tag=$$
tmp=$(mktemp -d)
pids=()
nss=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.5
    for ns in "${nss[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
fast=(-C 'default hello-interval 0.5 update-interval 4')
flooded() { ip -n "$1" -6 route show proto babel | grep -c '^2001:db8:ff' || true; }
hwm() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo "-"; }

# run NAME: one victim, fresh namespaces; prints one row of the table
run() {
    local name=$1 r=hf-r-$tag-$1 v=hf-v-$tag-$1 x=hf-x-$tag-$1 pid rpid apid peak=0 count real ping dump alive left
    nss+=("$r" "$v" "$x")
    for ns in "$r" "$v" "$x"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
    ip link add va netns "$r" type veth peer name vb netns "$v"
    ip link add vc netns "$v" type veth peer name vx netns "$x"
    for l in "$r va" "$v vb"; do set -- $l; ip -n "$1" link set "$2" up; done
    for l in "$v vc fe80::b" "$x vx fe80::66"; do
        set -- $l
        ip -n "$1" link set "$2" addrgenmode none
        ip -n "$1" link set "$2" up
        ip -n "$1" -6 addr add "$3/64" dev "$2" nodad
    done
    for ((k = 1; k < attackers; k++)); do
        ip -n "$x" -6 addr add "fe80::$(printf %x $((0x66 + k)))/64" dev vx nodad
    done
    ip -n "$r" -6 addr add 2001:db8:a::1/128 dev lo
    ip -n "$v" -6 addr add 2001:db8:b::1/128 dev lo
    sleep 2 # va and vb past DAD
    ip netns exec "$r" babeld -I "$tmp/$name-r.pid" -S "$tmp/$name-r.state" -G "$tmp/$name-r.sock" "${fast[@]}" \
        -C 'in ip 2001:db8:ff00::/40 deny' va >"$tmp/$name-r.log" 2>&1 &
    rpid=$!
    pids+=("$rpid")
    case $name in
        jbabeld) ip netns exec "$v" env JBABEL_NO_BUILD=1 "$root/bin/jbabeld" -I "$tmp/v.pid" -S "$tmp/v.state" \
            -G "$tmp/v.sock" "${fast[@]}" vb vc >"$tmp/$name.log" 2>&1 & ;;
        babeld) ip netns exec "$v" babeld -I "$tmp/v.pid" -S "$tmp/v.state" -G "$tmp/v.sock" "${fast[@]}" \
            vb vc >"$tmp/$name.log" 2>&1 & ;;
    esac
    pid=$!
    pids+=("$pid")
    for ((i = 0; i < 300; i++)); do
        ip -n "$v" -6 route show proto babel | grep '^2001:db8:a::1 via' >/dev/null && break
        sleep 0.1
    done
    ip -n "$v" -6 route show proto babel | grep '^2001:db8:a::1 via' >/dev/null || { echo "$name: no real route" >&2; return 1; }
    ifindex=$(ip -n "$x" -o link show dev vx | cut -d: -f1)
    local cpids=() c reqs=("monitor\n" "$(printf 'dump json\\n%.0s' {1..50})" "monitor json\n" \
        "$(printf 'dump\\n%.0s' {1..50})")
    for ((c = 0; c < clients; c++)); do
        python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode())
time.sleep(100000)' "$tmp/v.sock" "${reqs[c]}" &
        cpids+=($!)
        pids+=($!)
    done
    local apids=()
    for ((k = 0; k < attackers; k++)); do
        ip netns exec "$x" "$java" -cp "$cp" org.jbabel.conformance.HostileFlood vx "$ifindex" \
            "fe80::$(printf %x $((0x66 + k)))" fe80::b "$n" "$flood" "$k" >"$tmp/$name-x$k.log" 2>&1 &
        apids+=($!)
        pids+=($!)
    done
    apid=${apids[0]}
    while kill -0 "$apid" 2>/dev/null; do
        count=$(flooded "$v")
        [ "$count" -gt "$peak" ] && peak=$count
        sleep 1
    done
    wait "${apids[@]}" 2>/dev/null || true
    cp "$tmp/$name-x0.log" "$tmp/$name-x.log"
    # the end of the flood (the attacker has just fallen silent)
    if [ "${NMT:-0}" = 1 ] && [ "$name" = jbabeld ]; then
        { echo "== jbabeld at the end of the flood: $n x $attackers routes, $clients stalled clients"
          grep -E 'VmRSS|VmHWM' "/proc/$pid/status"
          "${java%java}jcmd" "$pid" GC.heap_info
          "${java%java}jcmd" "$pid" VM.native_memory summary; } >/tmp/hostile-flood-nmt.txt 2>&1 || true
    fi
    real=no; ip -n "$v" -6 route show proto babel | grep '^2001:db8:a::1 via' >/dev/null && real=yes
    ping=no; ip netns exec "$r" ping -6 -c 3 -i 0.2 -W 2 -I 2001:db8:a::1 2001:db8:b::1 >/dev/null 2>&1 && ping=yes
    alive=no; kill -0 "$pid" 2>/dev/null && alive=yes
    for c in "${cpids[@]}"; do kill "$c" 2>/dev/null || true; done
    (echo dump | timeout 10 nc -N -U "$tmp/v.sock" >"$tmp/$name.dump" 2>/dev/null) || true
    dump=no; [ "$(tail -1 "$tmp/$name.dump")" = ok ] && dump=yes
    kill -0 "$pid" 2>/dev/null || alive=no
    rss=$(hwm "$pid")
    for ((i = 0; i < wait_after; i++)); do
        left=$(flooded "$v")
        [ "$left" = 0 ] && break
        sleep 1
    done
    left=$(flooded "$v")
    rss=$(hwm "$pid") # VmHWM is a peak: the later reading covers the removal
    kill "$pid" 2>/dev/null || true
    i=0
    while kill -0 "$pid" 2>/dev/null && ((i++ < 50)); do sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    kill "$rpid" 2>/dev/null || true
    wait "$pid" "$rpid" 2>/dev/null || true
    printf '%-8s %10s %10s %8s %5s %5s %6s %10s   %s\n' "$name" "$rss" "$peak" "$real" "$ping" "$dump" "$alive" \
        "$left" "$(tail -1 "$tmp/$name-x.log")"
    rm -f "$tmp/v.pid" "$tmp/v.state" "$tmp/v.sock"
}

echo "flood: $n /128s from each of $attackers neighbour(s), $clients control clients that do not read, re-sent every 2.5 s for $flood s; babeld $(babeld -V 2>&1 | head -1)"
printf '%-8s %10s %10s %8s %5s %5s %6s %10s   %s\n' victim "RSS (MiB)" "max in FIB" "real rt" ping dump alive \
    "left ${wait_after}s" attacker
for victim in ${RECEIVERS:-jbabeld babeld}; do
    run "$victim"
done
echo "command: ${RECEIVERS:+RECEIVERS=\"$RECEIVERS\" }${ATTACKERS:+ATTACKERS=$ATTACKERS }${CLIENTS:+CLIENTS=$CLIENTS }${NMT:+NMT=$NMT }bench/hostile-flood.sh $n $flood $wait_after"
echo "jbabeld JVM options: those of bin/jbabeld${JBABEL_JAVA_OPTS:+ plus $JBABEL_JAVA_OPTS}"
echo "machine: $(nproc) cores, $(uname -srm)"
