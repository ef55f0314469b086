#!/usr/bin/env bash
# Issue 15, "Load and resource limits": the long run. A 10-node mesh of jbabelds in network namespaces (the 5x2
# grid of bench/loss-mesh.sh, 13 veth links, LOSS percent of every packet dropped on every mesh link in both
# directions by nftables `numgen random`; this kernel has no netem) with every service on, for DURATION seconds:
#   n4 and n9 (the grid's far corners) are exits: `ddhcp exit` and `nat64 exit uplink wan` to a server namespace S
#     (198.51.100.7 on a bridge to both uplinks), `prefixd uplink-prefix` (a /64 each), mmfd;
#   the eight others are client nodes: `roaming` (client prefix 2001:db8:c::/64), `prefixd` (offers the exits'
#     prefixes by RA), `ddhcp client-interface` (lease time LEASE s, so busybox udhcpc renews every LEASE/2 s),
#     `nat426`, mmfd, on a client bridge brc.
# Four clients, each a namespace with one veth whose node end moves every MOVE seconds to the next client node
# (the four staggered by MOVE/4): two IPv4-only clients (IPv6 off) that hold a DDHCP lease with udhcpc and ping the
# server through NAT426 and an exit's NAT64 (twice a second), and two IPv6 clients (a static address in the client
# prefix, addresses from prefixd's RAs beside it) that ping n4's loopback from the static address.
# Every SAMPLE seconds: each jbabeld's RSS (VmRSS), the fewest loopback routes any node has (9 when nothing is
# lost), and for each IPv6 client how many nodes have a route to its /128 (10 when everyone knows where it is).
# At the end (python3): RSS per node at the end of the warm-up (WARMUP s) and at the end, its largest value after the
# warm-up and its trend after the warm-up (least squares, KiB per 10 minutes); routes lost; per client the pings'
# success rate and the longest gap, and for the IPv4 clients every DHCP event: the address must never change, no
# lease may be lost (udhcpc's deconfig or leasefail after the first lease).
# jbabeld runs with babeld's default timers (hello 4 s, update 16 s) and `type wireless` on mesh links (lossy links
# are radio links: docs/ROBUSTNESS.md "30 % loss").
# Needs root, iproute2, nftables, busybox udhcpc, python3.
# Usage: [DURATION=1800] [WARMUP=300] [LOSS=10] [MOVE=60] [LEASE=60] [SAMPLE=10] [KEEP_LOGS=DIR] bench/long-run.sh
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
duration=${DURATION:-1800}
warmup=${WARMUP:-300}
loss=${LOSS:-10}
move=${MOVE:-60}
lease=${LEASE:-60}
sample=${SAMPLE:-10}
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
for t in nft udhcpc python3; do
    command -v $t >/dev/null || { echo "needs $t (apt-get install nftables udhcpc python3)" >&2; exit 1; }
done
"$root/bin/jbabeld" -V >/dev/null # builds when needed
export JBABEL_NO_BUILD=1
tmp=$(mktemp -d)
tag=lr$$
n=10
server=198.51.100.7
gateway=10.116.0.1
metaprefix=fd7a:1:2:3::/64
clientnodes=(0 1 2 3 5 6 7 8)
nss=()
cleanup() {
    for f in "$tmp"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
    jobs -p | xargs -r kill 2>/dev/null || true
    sleep 1
    for ns in "${nss[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
    if [ -n "${KEEP_LOGS:-}" ]; then
        mkdir -p "$KEEP_LOGS" && cp -r "$tmp"/. "$KEEP_LOGS"/ && echo "logs in $KEEP_LOGS"
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
mkns() { ip netns add "$1"; nss+=("$1"); ip -n "$1" link set lo up; }

for i in $(seq 0 $((n - 1))); do
    ns="$tag-$i"
    mkns "$ns"
    ip -n "$ns" addr add "fd00::$((i + 1))/128" dev lo
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.default.accept_dad=0 \
        net.ipv6.conf.all.accept_dad=0
    ip netns exec "$ns" nft -f - <<NFT
table inet loss {
    chain input { type filter hook input priority 0; iifname "m*" numgen random mod 100 < $loss drop; }
    chain forward { type filter hook forward priority 0; iifname "m*" numgen random mod 100 < $loss drop; }
}
NFT
done
declare -A ifs
link() { # link A B: veth between node A and node B
    local a=$1 b=$2
    ip link add "m$a-$b" netns "$tag-$a" type veth peer name "m$b-$a" netns "$tag-$b"
    ip -n "$tag-$a" link set "m$a-$b" up
    ip -n "$tag-$b" link set "m$b-$a" up
    ifs[$a]="${ifs[$a]:-} m$a-$b"
    ifs[$b]="${ifs[$b]:-} m$b-$a"
}
for i in 0 1 2 3 5 6 7 8; do link "$i" $((i + 1)); done
for i in 0 1 2 3 4; do link "$i" $((i + 5)); done

# the server behind both exits' uplinks; the exit range is on-link there (each exit answers ARP for its address)
s="$tag-s"
mkns "$s"
ip -n "$s" link add inet type bridge
ip -n "$s" link set inet up
ip -n "$s" addr add "$server/24" dev inet
ip -n "$s" route add 10.255.0.0/24 dev inet
for e in 4 9; do
    ip link add wan netns "$tag-$e" type veth peer name "s$e" netns "$s"
    ip -n "$tag-$e" link set wan up
    ip -n "$s" link set "s$e" master inet up
    ip -n "$tag-$e" addr add "198.51.100.$((e + 10))/24" dev wan
done

common=(-C "redistribute local ip fd00::/64 ge 128" -C "redistribute local deny" -C "default type wireless" -C mmfd
    -C "ddhcp learning false")
for i in $(seq 0 $((n - 1))); do
    if [ "$i" = 4 ] || [ "$i" = 9 ]; then
        cfg=(-C "ddhcp range 10.116.0.0/22 block-size 4 exit-range 10.255.0.0/24" -C "ddhcp exit"
            -C "nat64 exit uplink wan" -C "nat64 metaprefix $metaprefix" -C "prefixd uplink-prefix 2001:db8:e$i::/64")
    else
        ip -n "$tag-$i" link add brc type bridge
        ip -n "$tag-$i" link set brc up
        ip -n "$tag-$i" addr add "10.117.0.$((i + 1))/32" dev brc
        cfg=(-C "roaming client-interface brc client-prefix 2001:db8:c::/64 node-address fd00::$((i + 1))" -C prefixd
            -C "ddhcp client-interface brc range 10.116.0.0/22 block-size 4 router $gateway exit-range 10.255.0.0/24 lease-time $lease"
            -C "ddhcp state-file $tmp/$i.ddhcp"
            -C "nat426 client-interface brc metaprefix $metaprefix exit-range 10.255.0.0/24")
    fi
    # shellcheck disable=SC2086
    ip netns exec "$tag-$i" "$root/bin/jbabeld" -I "$tmp/$i.pid" -S "$tmp/$i.state" -G "$tmp/$i.sock" \
        "${common[@]}" "${cfg[@]}" ${ifs[$i]} > "$tmp/$i.log" 2>&1 &
done
start=$(date +%s)

# the clients: k = 0, 1 IPv4 only, k = 2, 3 IPv6; client k starts on client node k*2
declare -A at
for k in 0 1 2 3; do
    c="$tag-c$k"
    mkns "$c"
    node=${clientnodes[$((k * 2))]}
    ip link add c0 netns "$c" type veth peer name "v$k" netns "$tag-$node"
    ip -n "$tag-$node" link set "v$k" master brc up
    ip -n "$c" link set c0 up
    at[$k]=$((k * 2))
done
cat > "$tmp/dhcp.sh" <<'SH'
#!/bin/sh
echo "$(date +%s.%N) $1 ${ip:-}" >> "$EVENTS"
case "$1" in
  bound|renew)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/$mask" dev "$interface"
    ip route replace default via "$router" dev "$interface" ;;
  deconfig)
    ip -4 addr flush dev "$interface" ;;
esac
exit 0
SH
chmod +x "$tmp/dhcp.sh"
for k in 0 1; do
    c="$tag-c$k"
    ip netns exec "$c" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    EVENTS="$tmp/c$k.dhcp" ip netns exec "$c" udhcpc -f -i c0 -t 20 -T 2 -A 3 -s "$tmp/dhcp.sh" \
        > "$tmp/c$k.udhcpc" 2>&1 &
done
for k in 2 3; do
    ip -n "$tag-c$k" -6 addr add "2001:db8:c::10$k/64" dev c0 nodad
    ip -n "$tag-c$k" -6 route add default via fe80::1 dev c0
done

routes() { ip -n "$tag-$1" -6 route show proto babel | grep -c '^fd00::' || true; }
least() {
    local m=99 r
    for i in $(seq 0 $((n - 1))); do r=$(routes "$i"); [ "$r" -lt "$m" ] && m=$r; done
    echo "$m"
}
for t in $(seq 1 300); do
    [ "$(least)" -ge $((n - 1)) ] && break
    sleep 1
done
echo "every node routes to every loopback $(($(date +%s) - start)) s after the start (least $(least) of $((n - 1)))"
for t in $(seq 1 120); do
    ok=1
    for k in 0 1; do grep -q ' bound ' "$tmp/c$k.dhcp" 2>/dev/null || ok=0; done
    [ $ok = 1 ] && break
    sleep 1
done
for k in 0 1; do echo "client $k: $(grep ' bound ' "$tmp/c$k.dhcp" | head -1 | cut -d' ' -f3) from DDHCP"; done

for k in 0 1; do
    ip netns exec "$tag-c$k" ping -D -i 0.5 -W 2 "$server" > "$tmp/c$k.ping" 2>&1 &
done
for k in 2 3; do
    ip netns exec "$tag-c$k" ping -6 -D -i 0.5 -W 2 -I "2001:db8:c::10$k" fd00::5 > "$tmp/c$k.ping" 2>&1 &
done
t0=$(date +%s)
echo "$t0" > "$tmp/t0"
echo "running for $duration s from $(date -u -d @"$t0" +%H:%M:%S) UTC, warm-up $warmup s, $loss % loss, a move every $move s per client"

# moves and samples
: > "$tmp/moves"
: > "$tmp/samples"
next_sample=$t0
declare -A next_move
for k in 0 1 2 3; do next_move[$k]=$((t0 + move * (k + 1) / 4)); done
while :; do
    now=$(date +%s)
    [ $((now - t0)) -ge "$duration" ] && break
    for k in 0 1 2 3; do
        if [ "$now" -ge "${next_move[$k]}" ]; then
            from=${clientnodes[${at[$k]}]}
            at[$k]=$(((at[$k] + 1) % ${#clientnodes[@]}))
            to=${clientnodes[${at[$k]}]}
            ip -n "$tag-$from" link set "v$k" netns "$tag-$to"
            ip -n "$tag-$to" link set "v$k" master brc up
            echo "$(date +%s.%N) $k $from $to" >> "$tmp/moves"
            next_move[$k]=$((next_move[$k] + move))
        fi
    done
    if [ "$now" -ge "$next_sample" ]; then
        line="$(date +%s.%N) $(least)"
        for i in $(seq 0 $((n - 1))); do
            line="$line $(awk '/VmRSS/ {print $2}' "/proc/$(cat "$tmp/$i.pid")/status" 2>/dev/null || echo 0)"
        done
        for k in 2 3; do
            c=0
            for i in $(seq 0 $((n - 1))); do
                [ -n "$(ip -n "$tag-$i" -6 route show "2001:db8:c::10$k/128" 2>/dev/null)" ] && c=$((c + 1))
            done
            line="$line $c"
        done
        echo "$line" >> "$tmp/samples"
        next_sample=$((next_sample + sample))
    fi
    sleep 0.5
done
for i in $(seq 0 $((n - 1))); do
    kill -0 "$(cat "$tmp/$i.pid")" 2>/dev/null || echo "n$i: jbabeld is gone (log: $(tail -3 "$tmp/$i.log"))"
    "$root/bin/jbabel" ctl --socket "$tmp/$i.sock" dump --json > "$tmp/$i.dump.json" 2>/dev/null || true
done
jobs -p | xargs -r kill -INT 2>/dev/null || true
sleep 1

python3 - "$tmp" "$warmup" "$n" "$move" <<'PY'
import glob, os, re, sys
tmp, warmup, n, move = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
t0 = int(open(os.path.join(tmp, "t0")).read())
samples = [[float(x) for x in l.split()] for l in open(os.path.join(tmp, "samples")) if l.strip()]
end = samples[-1][0] - t0
print("%d samples over %.0f s" % (len(samples), end))
lost = [s for s in samples if s[1] < n - 1]
print("loopback routes: fewest on any node %d of %d; samples with a route missing: %d of %d"
      % (min(s[1] for s in samples), n - 1, len(lost), len(samples)))
after = [s for s in samples if s[0] - t0 >= warmup]
print("RSS (MiB): node, at the end of the warm-up, at the end, largest after the warm-up, trend after it (MiB per 10 min)")
for i in range(n):
    xs = [s[0] - t0 for s in after]
    ys = [s[2 + i] / 1024 for s in after]
    if len(xs) < 2:
        continue
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / max(1e-9, sum((x - mx) ** 2 for x in xs))
    print("  n%d %s: %.1f, %.1f, %.1f, %+.2f" % (i, "exit" if i in (4, 9) else "clients", ys[0], ys[-1], max(ys), slope * 600))
moves = [l.split() for l in open(os.path.join(tmp, "moves"))]
for k in (2, 3):
    col = 2 + n + (k - 2)
    # a sample taken less than 10 s after this client moved may still see the old route go
    settled = [s for s in samples if not any(0 <= s[0] - float(m[0]) < 10 for m in moves if int(m[1]) == k)]
    print("client %d (IPv6): nodes with a route to its /128: fewest %d of %d in %d settled samples (%d in all)"
          % (k, min((s[col] for s in settled), default=-1), n, len(settled), len(samples)))
for k in range(4):
    times = []
    for l in open(os.path.join(tmp, "c%d.ping" % k)):
        m = re.match(r"\[(\d+\.\d+)\].*bytes from", l)
        if m:
            times.append(float(m.group(1)))
    sent = max(1, int(end / 0.5))
    gaps = [b - a for a, b in zip(times, times[1:])]
    mv = sum(1 for m in moves if int(m[1]) == k)
    print("client %d (%s): %d of ~%d pings answered (%.1f %%), longest gap %.1f s, %d moves"
          % (k, "IPv4 via NAT426/NAT64" if k < 2 else "IPv6 to n4", len(times), sent, 100.0 * len(times) / sent,
             max(gaps, default=0), mv))
for k in (0, 1):
    events = [l.split() for l in open(os.path.join(tmp, "c%d.dhcp" % k))]
    first = next(i for i, e in enumerate(events) if e[1] == "bound")
    later = events[first:]
    addresses = sorted({e[2] for e in later if e[1] in ("bound", "renew")})
    bad = [e for e in later if e[1] in ("deconfig", "leasefail", "nak")]
    print("client %d (DHCP): %d renewals, addresses %s, lost leases (deconfig/leasefail/nak after the first lease): %d"
          % (k, sum(1 for e in later if e[1] == "renew"), addresses, len(bad)))
PY
