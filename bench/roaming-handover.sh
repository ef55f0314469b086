#!/usr/bin/env bash
# Hand-over time of layer-3 roaming (issue 12), in network namespaces laid out as JbabeldRoamingTest: server S
# (babeld, 2001:db8:5::1 on lo) behind M (babeld), nodes A and B (both linked to M and to each other) with a client
# bridge br-client each, and a client namespace C (2001:db8:c::100, default router fe80::1) whose veth moves
# between A's bridge and B's. From S a 10 ms ping stream (ping -D -i 0.01) runs to the client; the hand-over time
# of a move is the gap in echo replies around it (last reply before the move to the first after). A TCP stream
# (socat, S to C, a line every 20 ms) stays open across all moves; it survived when its sender saw no error and lines
# still arrive after the last move. After each move the client forgets its neighbour entries and resolves its
# router, as a client attaching anew does: the C l3roamd finds a wired client only by what it snoops (docs/ROAMING.md,
# "Interop with the C l3roamd"). A move whose stream has not come back within 30 s is reported as such; otherwise
# its figure is the longest gap between replies from the last one before it up to the next move.
# Pairs measured, one after the other in the same run:
#   jbabeld  A and B run jbabeld with `roaming`;
#   c        A and B run babeld + the C l3roamd as Gluon wires them (import-table 254, redistribute of the client
#            and node-client /128s, and of l3roamd's catch-all route for the client prefix, as Gluon's
#            `redistribute ip 2000::/3 allow` does; l3roamd -a -p -P -m -b br-client -i local-node -t 254 -s),
#            local-node a macvlan with fe80::1 and the next-node MAC; skipped with a message when the C l3roamd is not built
#            (/work/shared/peers/build.sh; JBABEL_PEERS names its prefix, default /tmp/jbabel-peers);
#   mixed    A runs jbabeld, B babeld + the C l3roamd (only when asked for in PAIRS).
# Prints every move's gap, then the median and the worst per pair. Needs root, babeld, socat, iproute2.
# KEEP_LOGS=DIR keeps the daemons' logs and the ping output there.
# Usage: [PAIRS="jbabeld c mixed"] [KEEP_LOGS=DIR] bench/roaming-handover.sh [MOVES]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
moves=${1:-20}
pairs=${PAIRS:-jbabeld c}
peers=${JBABEL_PEERS:-/tmp/jbabel-peers}
l3roamd=$peers/bin/l3roamd
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
for t in babeld socat; do
    command -v $t >/dev/null || { echo "needs $t (apt-get install $t)" >&2; exit 1; }
done
"$root/bin/jbabeld" -V >/dev/null # builds when needed, so that the build is not measured
export JBABEL_NO_BUILD=1

client=2001:db8:c::100
server=2001:db8:5::1
fast=(-C "default hello-interval 0.5 update-interval 4")
tag=$$
tmp=$(mktemp -d)
pids=()
nss=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.5
    for n in "${nss[@]}"; do ip netns del "$n" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
now() { date +%s.%N; }

# A node's daemons: KIND (jbabeld or c), namespace, name, node address, its interfaces towards M and the other node.
node() {
    local kind=$1 ns=$2 name=$3 addr=$4
    shift 4
    ip -n "$ns" link add br-client type bridge
    ip -n "$ns" link set br-client up
    if [ "$kind" = jbabeld ]; then
        ip netns exec "$ns" "$root/bin/jbabeld" -I "$tmp/$name.pid" -S "$tmp/$name.state" -G "$tmp/$name.sock" \
            "${fast[@]}" -C "roaming client-interface br-client client-prefix 2001:db8:c::/64 node-address $addr" \
            "$@" >"$tmp/$name.log" 2>&1 &
        pids+=($!)
    else
        ip -n "$ns" -6 addr add "$addr/128" dev lo
        ip -n "$ns" link add local-node link br-client address 02:ca:ff:ee:ba:be type macvlan mode bridge
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.local-node.addr_gen_mode=1
        ip -n "$ns" link set local-node up
        ip -n "$ns" -6 addr add fe80::1/64 dev local-node nodad
        ip netns exec "$ns" babeld -I "$tmp/$name.pid" -S "$tmp/$name.state" -G "$tmp/$name.sock" "${fast[@]}" \
            -C "import-table 254" -C "out ip fe80::1/128 deny" -C "redistribute ip fe80::1/128 deny" \
            -C "redistribute ip 2001:db8:c::/64 eq 128 allow" -C "redistribute ip 2001:db8:c::/64 eq 64 allow" -C "redistribute ip fec0::/64 eq 128 allow" \
            -C "redistribute local ip $addr/128 allow" -C "redistribute local ip fec0::/64 ge 128 allow" \
            -C "redistribute local deny" "$@" >"$tmp/$name.log" 2>&1 &
        pids+=($!)
        local meshifs=()
        for i in "$@"; do meshifs+=(-m "$i"); done
        sleep 0.5
        ip netns exec "$ns" "$l3roamd" -d -a "$addr" -p 2001:db8:c::/64 -P fec0::/64 "${meshifs[@]}" -b br-client \
            -i local-node -t 254 -s "$tmp/$name.l3sock" >"$tmp/$name.l3roamd.log" 2>&1 &
        pids+=($!)
    fi
}

# One pair: sets up, pings, moves the client MOVES times, prints the gaps and a summary line.
run_pair() {
    local pair=$1 kind_a kind_b
    case $pair in
        jbabeld) kind_a=jbabeld kind_b=jbabeld ;;
        c) kind_a=c kind_b=c ;;
        mixed) kind_a=jbabeld kind_b=c ;;
        *) echo "unknown pair $pair" >&2; return 1 ;;
    esac
    local s=rh-s-$tag-$pair m=rh-m-$tag-$pair a=rh-a-$tag-$pair b=rh-b-$tag-$pair c=rh-c-$tag-$pair
    for n in $s $m $a $b $c; do ip netns add $n; nss+=($n); ip -n $n link set lo up; done
    link() { ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"; ip -n "$1" link set "$2" up
        ip -n "$3" link set "$4" up; }
    link $s vsm $m vms; link $m vma $a vam; link $m vmb $b vbm; link $a vab $b vba
    ip -n $s -6 addr add $server/128 dev lo
    babeld_in() { ip netns exec "$1" babeld -I "$tmp/$2.pid" -S "$tmp/$2.state" -G "$tmp/$2.sock" "${fast[@]}" \
        "${@:3}" >"$tmp/$2.log" 2>&1 & pids+=($!); }
    babeld_in $s $pair-s -C "redistribute local ip $server/128" -C "redistribute local deny" vsm
    babeld_in $m $pair-m -C "redistribute local deny" vms vma vmb
    node $kind_a $a $pair-a 2001:db8:a::1 vam vab
    node $kind_b $b $pair-b 2001:db8:b::1 vbm vba
    link $c c0 $a ca
    ip -n $a link set ca master br-client
    ip -n $c -6 addr add $client/64 dev c0 nodad
    ip -n $c -6 route add default via fe80::1 dev c0
    local t=0
    until ip netns exec $s ping -6 -c 1 -W 1 $client >/dev/null 2>&1; do
        t=$((t + 1))
        sleep 1
        [ $t -lt 90 ] || { echo "$pair: the client was never reachable from S" >&2; return 1; }
    done
    # TCP: a line every 20 ms from S to the client, open across all moves
    ip netns exec $c socat -u TCP6-LISTEN:5001,bind=[$client] OPEN:"$tmp/$pair.tcp",creat >/dev/null 2>&1 &
    local receiver=$!
    pids+=($receiver)
    sleep 0.3
    ip netns exec $s bash -c 'i=0; while :; do echo $i; i=$((i+1)); sleep 0.02; done' \
        | ip netns exec $s socat -u - TCP6:[$client]:5001 2>"$tmp/$pair.tcperr" &
    local sender=$!
    pids+=($sender)
    ip netns exec $s ping -6 -D -i 0.01 $client >"$tmp/$pair.ping" 2>&1 &
    local pinger=$!
    pids+=($pinger)
    sleep 1
    local at=$a to times=()
    for i in $(seq 1 "$moves"); do
        if [ $at = $a ]; then to=$b; else to=$a; fi
        local t0
        t0=$(now)
        ip -n $at link set ca netns $to
        ip -n $to link set ca master br-client
        ip -n $to link set ca up
        # the client speaks NDP on its new link, as one that attaches anew (see JbabeldWithCL3roamdTest.speak:
        # the C l3roamd finds a wired client only by what it snoops)
        ip -n $c -6 neigh flush dev c0
        ip netns exec $c ping -6 -c 1 -W 1 -I c0 fe80::1 >/dev/null 2>&1 &
        at=$to
        # until 50 replies (half a second of the stream) came after the move: not only those already under way
        local w=0 back=yes
        until awk -v t0="$t0" -F'[][]' '/bytes from/ && $2 > t0 { n++ } END { exit !(n >= 50) }' \
            "$tmp/$pair.ping"; do
            sleep 0.1
            w=$((w + 1))
            [ $w -lt 300 ] || { echo "$pair: move $i: the stream did not come back within 30 s" >&2; back=no; break; }
        done
        times+=("$t0 $back")
        sleep 1
    done
    sleep 1
    kill $pinger 2>/dev/null || true
    # the TCP stream survived when its sender is still there without an error and lines keep arriving
    local alive=yes lines before
    before=$(wc -l <"$tmp/$pair.tcp")
    sleep 2
    lines=$(wc -l <"$tmp/$pair.tcp")
    kill -0 $sender 2>/dev/null || alive=no
    [ -s "$tmp/$pair.tcperr" ] && alive=no
    [ "$lines" -gt "$before" ] || alive=no
    kill $sender 2>/dev/null || true
    # per move: the longest gap between echo replies from the last one before it (or from the move, when the
    # previous one never came back) up to the next move
    printf '%s\n' "${times[@]}" >"$tmp/$pair.moves"
    awk -F'[][]' -v pair=$pair -v alive=$alive -v lines="$lines" '
        NR == FNR { split($0, f, " "); move[++n] = f[1]; back[n] = f[2]; next }
        /bytes from/ { r[++k] = $2 }
        END {
            move[n + 1] = 1e12
            for (i = 1; i <= n; i++) {
                gap[i] = -1; prev = 0
                # after a move whose stream never came back: counted from this move, not from the last reply
                fresh = i > 1 && back[i - 1] != "yes"
                if (fresh) prev = move[i]
                for (j = 1; j <= k && r[j] <= move[i + 1]; j++) {
                    if (r[j] <= move[i]) { if (!fresh) prev = r[j]; continue }
                    if (prev > 0 && (r[j] - prev) * 1000 > gap[i]) gap[i] = (r[j] - prev) * 1000
                    prev = r[j]
                }
                if (back[i] != "yes") { printf "%s move %d: the stream did not come back within 30 s\n", pair, i; gap[i] = 1e9 }
                else if (gap[i] < 0) { printf "%s move %d: no reply after it\n", pair, i; gap[i] = 1e9 }
                else printf "%s move %d: %.0f ms\n", pair, i, gap[i]
            }
            failed = 0
            for (i = 1; i <= n; i++) if (gap[i] >= 1e9) failed++
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (gap[j] < gap[i]) { x = gap[i]; gap[i] = gap[j]; gap[j] = x }
            med = n % 2 ? gap[(n + 1) / 2] : (gap[n / 2] + gap[n / 2 + 1]) / 2
            printf "%s: %d moves, hand-over median %s, worst %s, %d never came back within 30 s; TCP connection survived: %s (%d lines)\n",
                pair, n, (med >= 1e8 ? "> 30 s" : sprintf("%.0f ms", med)),
                (gap[n] >= 1e9 ? "> 30 s" : sprintf("%.0f ms", gap[n])), failed, alive, lines
        }' "$tmp/$pair.moves" "$tmp/$pair.ping"
}

for pair in $pairs; do
    if [ "$pair" != jbabeld ] && [ ! -x "$l3roamd" ]; then
        echo "$pair: skipped, the C l3roamd is not at $l3roamd (build it with /work/shared/peers/build.sh $peers)"
        continue
    fi
    run_pair "$pair" || true
done
if [ -n "${KEEP_LOGS:-}" ]; then
    cp -r "$tmp" "$KEEP_LOGS"
    echo "logs in $KEEP_LOGS"
fi
