#!/usr/bin/env bash
# Issue 15, "Faults": a 10-node mesh of jbabelds in network namespaces (a 5x2 grid, 13 veth links) with LOSS percent
# of every packet dropped on every link in both directions (nftables `numgen random`, input and forward hooks, not
# on lo: this kernel has no netem), next to the simulator's run of the same grid at the same loss.
# Measured: the time until every node has a route to every other node's loopback; then for HOLD seconds, every 5 s,
# the smallest number of such routes any node has (a route lost under loss shows here), and pings from n0 to its
# neighbour n1 and to n9 (the far corner, 5 hops), 5 a second, with the success rates next to what independent loss
# gives: (1 - LOSS)^(2 x hops). Then the simulator: `jbabel sim --topology grid:5x2 --loss LOSS/100 --json`.
# jbabeld runs with babeld's default timers (hello 4 s, update 16 s) and its interfaces of TYPE (default wireless:
# lossy links are radio links, and babeld's ETX cost is what copes with loss; with `wired`, babeld's 2-out-of-3
# rule drops a neighbour at every second missed Hello). Needs root, iproute2, nftables, bc, python3.
# Usage: [LOSS=30] [HOLD=120] [TYPE=wireless|wired] bench/loss-mesh.sh
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
loss=${LOSS:-30}
hold=${HOLD:-120}
type=${TYPE:-wireless}
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
command -v nft >/dev/null || { echo "needs nftables (apt-get install nftables)" >&2; exit 1; }
export JBABEL_NO_BUILD=1
"$root/bin/jbabeld" -V >/dev/null
tmp=$(mktemp -d)
tag=lm$$
n=10
cleanup() {
    for f in "$tmp"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
    sleep 1
    for i in $(seq 0 $((n - 1))); do ip netns del "$tag-$i" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT

declare -A ifs
for i in $(seq 0 $((n - 1))); do
    ns="$tag-$i"
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "fd00::$((i + 1))/128" dev lo
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.default.accept_dad=0 \
        net.ipv6.conf.all.accept_dad=0
    ip netns exec "$ns" nft -f - <<NFT
table inet loss {
    chain input { type filter hook input priority 0; iifname != "lo" numgen random mod 100 < $loss drop; }
    chain forward { type filter hook forward priority 0; numgen random mod 100 < $loss drop; }
}
NFT
done
link() { # link A B: veth between node A and node B
    local a=$1 b=$2
    ip link add "m$a-$b" netns "$tag-$a" type veth peer name "m$b-$a" netns "$tag-$b"
    ip -n "$tag-$a" link set "m$a-$b" up
    ip -n "$tag-$b" link set "m$b-$a" up
    ifs[$a]="${ifs[$a]:-} m$a-$b"
    ifs[$b]="${ifs[$b]:-} m$b-$a"
}
# the grid: two rows of five, 0..4 over 5..9
for i in 0 1 2 3 5 6 7 8; do link "$i" $((i + 1)); done
for i in 0 1 2 3 4; do link "$i" $((i + 5)); done

start=$(date +%s.%N)
for i in $(seq 0 $((n - 1))); do
    # shellcheck disable=SC2086
    ip netns exec "$tag-$i" "$root/bin/jbabeld" -I "$tmp/$i.pid" -S "$tmp/$i.state" \
        -C "default type $type" -C "redistribute local ip fd00::/64 ge 128" -C "redistribute local deny" ${ifs[$i]} \
        > "$tmp/$i.log" 2>&1 &
done

routes() { ip -n "$tag-$1" -6 route show proto babel | grep -c '^fd00::' || true; }
least() {
    local m=99 r
    for i in $(seq 0 $((n - 1))); do r=$(routes "$i"); [ "$r" -lt "$m" ] && m=$r; done
    echo "$m"
}
converged=""
for t in $(seq 1 600); do
    if [ "$(least)" -ge $((n - 1)) ]; then
        converged=$(echo "$(date +%s.%N) - $start" | bc)
        break
    fi
    sleep 1
done
[ -n "$converged" ] || { echo "namespaces: not converged within 600 s (least routes $(least))"; exit 1; }
printf 'namespaces, %s links, %d %% loss: every node routes to every loopback %.1f s after the start\n' "$type" "$loss" "$converged"

samples=()
count=$((hold * 5))
ip netns exec "$tag-0" ping -6 -q -i 0.2 -c "$count" -W 1 fd00::2 > "$tmp/ping1" 2>&1 &
ping1=$!
ip netns exec "$tag-0" ping -6 -q -i 0.2 -c "$count" -W 1 fd00::10 > "$tmp/ping5" 2>&1 &
ping5=$!
for t in $(seq 5 5 "$hold"); do
    sleep 5
    samples+=("$(least)")
done
wait "$ping1" "$ping5" || true
fewest=$(printf '%s\n' "${samples[@]}" | sort -n | head -1)
printf 'namespaces, %d %% loss, %d s after convergence: fewest routes on any node %d of %d (every 5 s: %s)\n' \
    "$loss" "$hold" "$fewest" $((n - 1)) "${samples[*]}"
for hops in 1 5; do
    received=$(grep -o '[0-9]* received' "$tmp/ping$hops" | cut -d' ' -f1)
    expected=$(echo "scale=4; (1 - $loss / 100) ^ (2 * $hops) * 100" | bc)
    printf 'namespaces: ping from n0 over %d hops, 5 a second: %d of %d answered = %.1f %%; independent loss of %d %% a link gives %.1f %%\n' \
        "$hops" "$received" "$count" "$(echo "scale=2; $received * 100 / $count" | bc)" "$loss" "$expected"
done
rss=0
for f in "$tmp"/*.pid; do
    r=$(awk '/VmRSS/ {print $2}' "/proc/$(cat "$f")/status" 2>/dev/null || echo 0)
    [ "$r" -gt "$rss" ] && rss=$r
done
printf 'namespaces: largest jbabeld RSS %.1f MiB\n' "$(echo "scale=1; $rss / 1024" | bc)"

for seed in 1 2 3; do
    "$root/bin/jbabel" sim --topology grid:5x2 --loss "$(echo "scale=2; $loss / 100" | bc)" --duration 600 \
        --seed "$seed" --type "$type" --json 2>/dev/null | grep '^{' | tail -1 | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("simulator, grid:5x2, %s links, %s %% loss, seed %s: converged %.1f s after the start, converged at the end %s, "
      "loops %d, FIB completeness %.3f, %d of %d datagrams lost" % (sys.argv[1], sys.argv[2], r["seed"], r["convergenceSeconds"],
      r["convergedAtEnd"], r["loopsObserved"], r["fibCompleteness"], r["packetsLost"], r["packetsSent"]))' "$type" "$loss"
done
