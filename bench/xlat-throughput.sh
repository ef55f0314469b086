#!/usr/bin/env bash
# Translation throughput (issue 14): packets per second and Gbit/s through Debian's tayga and through jbabeld's
# NAT64 exit (stateful), on its default device (jb-veth: a veth pair read and written up to 64 packets per system
# call) and on a TUN device (jb-tun: `nat64 device tun`), one after the other in the same run, with the same
# generator (bench/xlat-gen.c, compiled here with gcc: UDP over sendmmsg) pinned to CPU GEN_CPU (default 0) and the
# translator to CPU 1, for IPv6 packets of 64 and 1400 bytes (16 and 1352 bytes of UDP payload) sent from a local
# address to XP(E)||198.51.100.7 for SECONDS_EACH seconds each. Each translator runs alone in a network namespace.
# SINK=blackhole (default): the IPv4 output is routed into a blackhole and counted as what the translator wrote into
# its device (the device's rx_packets); SINK=veth: routed out of a veth and counted there (tx_packets). Gbit/s
# counts the IPv4 packets' bytes. All translate 6->4 with the destination embedded in a /96 and the source mapped
# (tayga: a static map; jbabeld: one NAT64 session). GEN_CPU=1 puts the generator on the translator's CPU: the
# rate then measures the whole cost of a packet, the kernel's part included.
#   tayga    tun-device nat64, ipv4-addr 192.168.255.1, prefix fd7a:1:2:3:aff:1::/96, map 10.255.0.2 fd00::5
#   jbabeld  nat64 exit uplink wan address 10.255.0.1, nat64 metaprefix fd7a:1:2:3::/64, nat64 device veth|tun
# Needs root, tayga (apt-get install tayga), gcc, iproute2.
# Usage: [SECONDS_EACH=10] [SINK=blackhole|veth] [GEN_CPU=0|1] bench/xlat-throughput.sh
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
seconds=${SECONDS_EACH:-${1:-10}}
sink=${SINK:-blackhole}
gen_cpu=${GEN_CPU:-0}
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
command -v tayga >/dev/null || { echo "needs tayga (apt-get install tayga)" >&2; exit 1; }
command -v gcc >/dev/null || { echo "needs gcc" >&2; exit 1; }
"$root/bin/jbabeld" -V >/dev/null
export JBABEL_NO_BUILD=1
tmp=$(mktemp -d)
ns=xbench$$
cleanup() {
    pkill -f "tayga -c $tmp" 2>/dev/null || true
    [ -f "$tmp/jbabeld.pid" ] && kill "$(cat "$tmp/jbabeld.pid")" 2>/dev/null || true
    sleep 0.5
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
gcc -O2 -o "$tmp/gen" "$root/bench/xlat-gen.c"

fresh() {
    ip netns del "$ns" 2>/dev/null || true
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add fd00::5/128 dev lo
    if [ "$sink" = veth ]; then
        # the translated packets leave through a veth whose far end drops them (no dummy driver on every kernel)
        ip -n "$ns" link add sink type veth peer name sink-end
        ip -n "$ns" link set sink up
        ip -n "$ns" link set sink-end up
        ip -n "$ns" addr add 10.9.9.1/24 dev sink
        ip -n "$ns" neigh add 10.9.9.2 lladdr 02:00:00:00:00:02 dev sink nud permanent
        ip -n "$ns" route add 198.51.100.0/24 via 10.9.9.2 dev sink
    else
        ip -n "$ns" route add blackhole 198.51.100.0/24
    fi
    ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
        net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
}
# translated packets: those sent out of the sink, or those the translator wrote into its device (which the kernel
# counts as received there: tayga's TUN device, jbabeld's veth nat64)
rx() {
    if [ "$sink" = veth ]; then
        ip netns exec "$ns" cat /sys/class/net/sink/statistics/tx_packets
    else
        ip netns exec "$ns" cat /sys/class/net/nat64/statistics/rx_packets
    fi
}

# measure NAME DESTINATION: one line per packet size
measure() {
    local name=$1 dst=$2
    for payload in 16 1352; do
        local ipv4=$((payload + 28))
        ip netns exec "$ns" taskset -c "$gen_cpu" "$tmp/gen" "$dst" "$payload" 1 >/dev/null # warm-up (and the session)
        local before after sent
        before=$(rx)
        sent=$(ip netns exec "$ns" taskset -c "$gen_cpu" "$tmp/gen" "$dst" "$payload" "$seconds" | awk '{print $2}')
        after=$(rx)
        awk -v n="$name" -v p=$((payload + 48)) -v s="$sent" -v got=$((after - before)) -v t="$seconds" -v b="$ipv4" \
            'BEGIN { printf "%-8s IPv6 %4d B: offered %9.0f pkt/s, translated %9.0f pkt/s = %.3f Gbit/s\n", n, p, s/t, got/t, got/t*b*8/1e9 }'
    done
}

# tayga
fresh
cat > "$tmp/tayga.conf" <<CONF
tun-device nat64
ipv4-addr 192.168.255.1
prefix fd7a:1:2:3:aff:1::/96
map 10.255.0.2 fd00::5
data-dir $tmp
CONF
ip netns exec "$ns" tayga -c "$tmp/tayga.conf" --mktun >/dev/null
ip -n "$ns" link set nat64 up
ip -n "$ns" route add fd7a:1:2:3:aff:1::/96 dev nat64
ip -n "$ns" route add 10.255.0.2/32 dev nat64
ip netns exec "$ns" taskset -c 1 tayga -c "$tmp/tayga.conf" -n >/dev/null 2>&1 &
sleep 1
measure tayga fd7a:1:2:3:aff:1:c633:6407
pkill -f "tayga -c $tmp" || true
sleep 0.5

# jbabeld's NAT64 exit, on its default device (a veth pair read and written in batches), then on a TUN device
for device in veth tun; do
    fresh
    ip -n "$ns" link add wan type veth peer name wan-peer
    ip -n "$ns" link set wan up
    ip -n "$ns" link set wan-peer up
    ip netns exec "$ns" taskset -c 1 "$root/bin/jbabeld" -I "$tmp/jbabeld.pid" -S "$tmp/jbabeld.state" \
        -C "nat64 exit uplink wan address 10.255.0.1" -C "nat64 metaprefix fd7a:1:2:3::/64" \
        -C "nat64 device $device" wan-peer > "$tmp/jbabeld.log" 2>&1 &
    for i in $(seq 1 100); do ip -n "$ns" -6 route show fd7a:1:2:3:aff:1::/96 | grep -q nat64 && break; sleep 0.1; done
    measure "jb-$device" fd7a:1:2:3:aff:1:c633:6407
    pid=$(cat "$tmp/jbabeld.pid")
    echo "jb-$device  RSS after the load: $(awk '/VmRSS/ {printf "%.1f MiB", $2 / 1024}' "/proc/$pid/status")"
    kill "$pid"
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
