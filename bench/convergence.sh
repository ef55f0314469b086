#!/usr/bin/env bash
# Convergence around a cut (issue 10): the square X - J - B - Y - X, X and Y babeld, B BIRD 2, J jbabeld or babeld
# (the same run with each in J's place), the X - Y link dearer (rxcost 400 on both ends), so X reaches B's loopback
# through J. J's link to B is deleted; measured at X: seconds until its route to B's prefix leaves J (reroute), and
# until a ping from X's loopback to B's gets an answer again (traffic back; one ping every 10 ms). Prints every run,
# then medians and worst cases per daemon. Needs root, babeld, bird2, iproute2 (and tshark for CAPTURE).
# Usage: bench/convergence.sh [RUNS [DAEMONS]]     DAEMONS: "jbabeld babeld" (default), or one of them
# Environment: CUT=delete (default: J's interface deleted), down (set down in J) or carrier (set down at B's end,
#              J's interface loses its carrier); JBABELD=another bin/jbabeld to measure; TIMERS=default (below); CAPTURE=DIR keeps a tshark capture of every link and the daemons' logs of each run in DIR;
#              JBABEL_JAVA_OPTS as for bin/jbabeld.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
runs=${1:-3}
daemons=${2:-"jbabeld babeld"}
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
command -v babeld >/dev/null || { echo "needs babeld (apt-get install babeld)" >&2; exit 1; }
command -v bird >/dev/null || { echo "needs BIRD 2 (apt-get install bird2)" >&2; exit 1; }
"$root/bin/jbabeld" -V >/dev/null # builds when needed, so that the build is not measured

tag=$$
X=cv-x-$tag J=cv-j-$tag B=cv-b-$tag Y=cv-y-$tag
tmp=$(mktemp -d)
pids=()
now() { date +%s.%N; }
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.5
    for n in "$X" "$J" "$B" "$Y"; do ip netns del "$n" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
# TIMERS=default runs every daemon with its default Hello and update intervals (babeld's 4 s and 16 s); otherwise
# babeld, jbabeld and BIRD use fast ones, as JbabeldTopologyTest does
if [ "${TIMERS:-fast}" = default ]; then fast=(); birdtimers=""; else
    fast=(-C "default hello-interval 0.5 update-interval 4"); birdtimers="hello interval 1 s; update interval 4 s; "; fi

square() { # builds the four namespaces and links, no daemons
    for n in "$X" "$J" "$B" "$Y"; do ip netns add "$n"; ip -n "$n" link set lo up; done
    link() { ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"; ip -n "$1" link set "$2" up; ip -n "$3" link set "$4" up; }
    link "$X" vxj "$J" vjx
    link "$J" vjb "$B" vbj
    link "$B" vby "$Y" vyb
    link "$Y" vyx "$X" vxy
    ip -n "$X" -6 addr add 2001:db8:10::1/128 dev lo
    ip -n "$B" -6 addr add 2001:db8:20::1/128 dev lo
    cat >"$tmp/bird.conf" <<EOF
router id 10.0.0.2;
protocol device { scan time 1; }
protocol direct { ipv6; interface "lo"; }
protocol kernel { ipv6 { import none; export where source = RTS_BABEL; }; }
protocol babel {
  interface "vb*" { type wired; $birdtimers};
  ipv6 { import all; export all; };
}
EOF
    sleep 2 # link-local addresses past DAD
}
teardown() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    pids=()
    for n in "$X" "$J" "$B" "$Y"; do ip netns del "$n" 2>/dev/null || true; done
    sleep 0.5
}
start() { # NS NAME COMMAND...: a daemon in the background, its log in $tmp/NAME.log
    local ns=$1 name=$2; shift 2
    ip netns exec "$ns" "$@" >"$tmp/$name.log" 2>&1 &
    pids+=("$!")
}
wait_for() { # SECONDS WHAT COMMAND...: polls COMMAND every 20 ms until it succeeds
    local limit=$1 what=$2 t0; shift 2; t0=$(now)
    until "$@" >/dev/null 2>&1; do
        if [ "$(echo "$(now) - $t0 > $limit" | bc)" = 1 ]; then echo "no $what within $limit s" >&2; return 1; fi
        sleep 0.02
    done
}
# traffic_back CUT < ping -D output: seconds from CUT to the first answer after the last lost ping, once 30 answers
# in a row (0.3 s) followed it; nothing while that has not happened yet
traffic_back() {
    awk -v c="$1" -F'[][ =]+' '/bytes from/ {
        ts = $2; for (i = 3; i < NF; i++) if ($i == "icmp_seq") seq = $(i + 1)
        if (ts > c + 0.0) { if (seq != prev + 1 || first == "") { first = ts; run = 0 } run++ }
        prev = seq
    } END { if (run >= 30) printf "%.3f\n", first - c }'
}
route_via() { ip -n "$X" -6 route show 2001:db8:20::1 | grep -q "dev $1"; }

one() { # DAEMON RUN: one run with DAEMON in J's place; prints "reroute traffic" in seconds
    local d=$1 run=$2 cut reroute="" back="" t
    square
    start "$X" x babeld -I "$tmp/x.pid" -S "$tmp/x.state" -G "$tmp/x.sock" "${fast[@]}" -C "interface vxy rxcost 400" vxj vxy
    case $d in
        jbabeld) start "$J" j env JBABEL_NO_BUILD=1 "${JBABELD:-$root/bin/jbabeld}" -I "$tmp/j.pid" -S "$tmp/j.state" -G "$tmp/j.sock" "${fast[@]}" vjx vjb ;;
        babeld) start "$J" j babeld -I "$tmp/j.pid" -S "$tmp/j.state" -G "$tmp/j.sock" "${fast[@]}" vjx vjb ;;
    esac
    start "$B" b bird -f -c "$tmp/bird.conf" -s "$tmp/b.ctl"
    start "$Y" y babeld -I "$tmp/y.pid" -S "$tmp/y.state" -G "$tmp/y.sock" "${fast[@]}" -C "interface vyx rxcost 400" vyb vyx
    wait_for 60 "route at X through J" route_via vxj
    wait_for 60 "ping X to B" ip netns exec "$X" ping -6 -c 1 -W 1 -I 2001:db8:10::1 2001:db8:20::1
    sleep "${SETTLE:-8}" # every route and smoothed metric settled
    route_via vxj || { echo "$d: X's route left J before the cut" >&2; }
    if [ -n "${CAPTURE:-}" ]; then
        mkdir -p "$CAPTURE"
        for l in "$X:vxj" "$X:vxy" "$J:vjb" "$Y:vyb"; do
            ip netns exec "${l%%:*}" dumpcap -q -i "${l##*:}" -w "$CAPTURE/$d-$run-${l##*:}.pcapng" \
                >"$tmp/dumpcap-${l##*:}" 2>&1 &
            pids+=("$!")
        done
        sleep 1
        for l in vxj vxy vjb vyb; do wait_for 20 "capture on $l" grep -q "Capturing on" "$tmp/dumpcap-$l"; done
    fi
    ip netns exec "$X" ping -6 -D -n -i 0.01 -W 0.5 -I 2001:db8:10::1 2001:db8:20::1 >"$tmp/ping" 2>&1 &
    local ping=$!
    sleep 0.5
    cut=$(now)
    case ${CUT:-delete} in
        delete) ip -n "$J" link del vjb ;;          # J's interface goes away
        down) ip -n "$J" link set vjb down ;;       # J's interface administratively down
        carrier) ip -n "$B" link set vbj down ;;    # J's interface stays up without carrier (the far end went down)
    esac
    while [ -z "$reroute" ] || [ -z "$back" ]; do
        t=$(now)
        [ -z "$reroute" ] && route_via vxy && reroute=$(echo "$t - $cut" | bc)
        [ -z "$back" ] && back=$(traffic_back "$cut" <"$tmp/ping")
        if [ "$(echo "$t - $cut > 90" | bc)" = 1 ]; then reroute=${reroute:-90}; back=${back:-90}; break; fi
        sleep 0.05
    done
    kill "$ping" 2>/dev/null || true; wait "$ping" 2>/dev/null || true
    if [ -n "${CAPTURE:-}" ]; then
        for f in "$tmp"/*.log; do cp "$f" "$CAPTURE/$d-$run-$(basename "$f")"; done
        cp "$tmp/ping" "$CAPTURE/$d-$run-ping.txt"
        echo "$cut" >"$CAPTURE/$d-$run-cut.txt"
    fi
    teardown
    printf '%.3f %.3f\n' "$reroute" "$back"
}

stats() { # FILE: median and worst of columns 1 and 2
    local n; n=$(wc -l <"$1")
    for c in 1 2; do
        sort -g -k"$c","$c" "$1" | awk -v c="$c" -v n="$n" '{ v[NR] = $c } END { m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2; printf "%8.3f %8.3f ", m, v[n] }'
    done
    echo
}

echo "square X - J - B - Y - X (X, Y babeld; B BIRD; X-Y rxcost 400), J's link to B deleted; seconds at X"
printf '%-8s %4s %9s %9s\n' daemon run reroute traffic
for d in $daemons; do : >"$tmp/$d.results"; done
for ((r = 1; r <= runs; r++)); do
    for d in $daemons; do
        res=$(one "$d" "$r")
        echo "$res" >>"$tmp/$d.results"
        printf '%-8s %4d %9s %9s\n' "$d" "$r" $res
    done
done
echo
printf '%-8s %17s %17s\n' daemon "reroute med/worst" "traffic med/worst"
for d in $daemons; do printf '%-8s ' "$d"; stats "$tmp/$d.results"; done
echo "command: bench/convergence.sh $runs \"$daemons\""
echo "machine: $(nproc) cores, $(uname -srm), babeld $(babeld -V 2>&1 | head -1), $(bird --version 2>&1 | head -1)"
