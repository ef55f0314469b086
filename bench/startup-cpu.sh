#!/usr/bin/env bash
# The CPU one jbabeld start takes until its first packet (the start-up Hello) leaves: one jbabeld in a namespace
# on a veth whose other end is watched by a listener joined to ff02::1:6. When the first datagram arrives, the
# listener reads the JVM's CPU time at once: user+sys from /proc/PID/stat (clock ticks) and the sum over its threads
# of /proc/PID/task/*/schedstat (nanoseconds on a CPU), which other processes' load distorts far less than the
# wall-clock time (also printed, with the load averages), and its peak RSS (VmHWM) then. Averages over RUNS starts.
# MODES: default (bin/jbabeld as it is: from the ahead-of-time cache it records when missing or stale), lean (without
# the cache, JBABEL_AOT_CACHE=), or any other word W, which runs bin/jbabeld with JBABEL_JAVA_OPTS from the
# environment variable OPTS_W, without the lines of bin/jbabeld.options that match the extended regular expression
# DROP_W, with the bin/jbabeld of the built checkout ROOT_W (another commit, to compare with), and without the cache
# when W ends in "lean" (each when set). The modes run interleaved, so that a change in the machine's load hits them
# alike.
# EXTRA_OPTS adds JVM options to every mode. THREADS=1 prints the CPU of each JVM thread at the first Hello.
# CLASSES=1 adds -Xlog:class+load and prints the classes loaded before the first Hello, by package.
# Needs root and iproute2.
# Usage: bench/startup-cpu.sh [RUNS [MODE...]]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
runs=${1:-5}
shift || true
modes=("$@")
[ ${#modes[@]} -gt 0 ] || modes=(default lean)
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 1; }
"$root/bin/jbabeld" -V >/dev/null # builds and records the cache when needed, so that neither is measured

tag=$$
x=bsc-x-$tag y=bsc-y-$tag
tmp=$(mktemp -d)
cleanup() {
    ip netns del "$x" 2>/dev/null || true
    ip netns del "$y" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$x"; ip netns add "$y"
ip -n "$x" link set lo up; ip -n "$y" link set lo up
ip link add vx netns "$x" type veth peer name vy netns "$y"
ip -n "$x" link set vx up; ip -n "$y" link set vy up
ip -n "$x" -6 addr add 2001:db8:1::1/128 dev lo
sleep 2 # link-local addresses past DAD

# one MODE LOGFILE: starts jbabeld, prints "wall-s ticks-s sched-s" at its first datagram, stops it
cat >"$tmp/one.py" <<'EOF'
import os, socket, struct, subprocess, sys, time
ns, ifname, logfile = sys.argv[1], sys.argv[2], sys.argv[3]
cmd = sys.argv[4:]
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", 6696))
idx = socket.if_nametoindex(ifname)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, socket.inet_pton(socket.AF_INET6, "ff02::1:6") + struct.pack("@I", idx))
s.settimeout(30)
tck = os.sysconf("SC_CLK_TCK")
t0 = time.monotonic()
with open(logfile, "w") as log:
    p = subprocess.Popen(["ip", "netns", "exec", ns] + cmd, stdout=log, stderr=subprocess.STDOUT)
try:
    s.recvfrom(4096)
    wall = time.monotonic() - t0
    with open(f"/proc/{p.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = (int(fields[11]) + int(fields[12])) / tck
    sched = 0
    threads = {}
    for t in os.listdir(f"/proc/{p.pid}/task"):
        try:
            with open(f"/proc/{p.pid}/task/{t}/schedstat") as f:
                ns = int(f.read().split()[0])
            with open(f"/proc/{p.pid}/task/{t}/comm") as f:
                name = f.read().strip()
            sched += ns
            threads[name] = threads.get(name, 0) + ns
        except FileNotFoundError:
            pass
    with open(f"/proc/{p.pid}/status") as f:
        hwm = [int(l.split()[1]) for l in f if l.startswith("VmHWM")][0]
    print(f"{wall:.3f} {ticks:.2f} {sched / 1e9:.3f} {hwm / 1024:.1f}")
    if os.environ.get("THREADS"):
        print(" ".join(f"{n}={v / 1e6:.0f}ms" for n, v in sorted(threads.items(), key=lambda kv: -kv[1]) if v > 1e6),
              file=sys.stderr)
except socket.timeout:
    print("timeout")
finally:
    p.terminate()
    p.wait()
EOF

# prepare MODE: sets cmd to the command line of MODE (its launcher run once with -V first: builds, records a cache)
prepare() {
    local mode=$1 env=(env JBABEL_NO_BUILD=1) opts="${EXTRA_OPTS:-}" launcher="$root/bin/jbabeld"
    local v="OPTS_$mode" d="DROP_$mode" o="ROOT_$mode"
    opts="$opts ${!v:-}"
    [ -n "${!o:-}" ] && launcher="${!o}/bin/jbabeld"
    if [ -n "${!d:-}" ]; then # a copy of bin/ whose options file lacks the dropped lines
        mkdir -p "$tmp/$mode/bin"; ln -sfn "$root/cli" "$tmp/$mode/cli"
        cp "$root/bin/jbabeld" "$root/bin/java-env.sh" "$tmp/$mode/bin/"
        grep -Ev -- "${!d}" "$root/bin/jbabeld.options" | sed "s|\${root}|$root|g" >"$tmp/$mode/bin/jbabeld.options"
        launcher="$tmp/$mode/bin/jbabeld"
    fi
    case $mode in *lean) env+=(JBABEL_AOT_CACHE=) ;; esac
    if [ -n "${CLASSES:-}" ]; then opts="$opts -Xlog:class+load:file=$tmp/classes-$mode.log:uptime"; fi
    [ -n "$opts" ] && env+=(JBABEL_JAVA_OPTS="$opts")
    cmd=("${env[@]}" "$launcher" -I "$tmp/j.pid" -S "$tmp/j.state" -G "$tmp/j.sock" vx)
    if [ ! -e "$tmp/$mode.ready" ]; then # a launcher of another checkout builds and records what it needs first
        env -u JBABEL_NO_BUILD "${env[@]:2}" "$launcher" -V >/dev/null
        touch "$tmp/$mode.ready"
    fi
}

# once MODE RUN: one start of MODE
once() {
    local mode=$1 r=$2 out
    prepare "$mode"
    out=$(ip netns exec "$y" python3 "$tmp/one.py" "$x" vy "$tmp/$mode.log" "${cmd[@]}")
    rm -f "$tmp/j.state"
    echo "$out" >>"$tmp/$mode.runs"
    cp "$tmp/$mode.log" "/tmp/startup-cpu-$mode-$r.log"
    printf '%-10s run %d: wall %s s, CPU %s s (ticks), %s s (schedstat), peak RSS %s MiB; load %s\n' "$mode" "$r" \
        $out "$(cut -d' ' -f1-3 /proc/loadavg)"
    if [ -n "${CLASSES:-}" ] && [ "$r" = 0 ]; then
        local at; at=$(echo "$out" | cut -d' ' -f1)
        echo "  classes loaded before the first Hello (log up to ${at}s uptime), by package:"
        awk -v at="$at" -F'[][]' '{ u = $2; sub(/s$/, "", u); if (u + 0 > at + 0) exit; print }' \
            "$tmp/classes-$mode.log" | sed -E 's/^\[[^]]*\] //; s/ source:.*//' >"$tmp/cl.txt"
        echo "  total $(wc -l <"$tmp/cl.txt")"
        sed -E 's/\$\$Lambda.*/ LAMBDA/; s/\/0x.*/ HIDDEN/; s/\.[^.]*( LAMBDA| HIDDEN)?$/\1/' "$tmp/cl.txt" \
            | sort | uniq -c | sort -rn | head -40 | sed 's/^/  /'
        cp "$tmp/cl.txt" "/tmp/startup-classes-$mode.txt"
    fi
}

echo "load before: $(uptime)"
for m in "${modes[@]}"; do : >"$tmp/$m.runs"; done
for ((r = 0; r < runs; r++)); do
    for m in "${modes[@]}"; do once "$m" "$r"; done
done
for m in "${modes[@]}"; do
    awk -v m="$m" '$1 != "timeout" { w += $1; t += $2; s += $3; r += $4; n++ }
        END { if (n) printf "%-10s mean of %d: wall %.3f s, CPU %.3f s (ticks), %.3f s (schedstat), peak RSS %.1f MiB\n", m, n, w/n, t/n, s/n, r/n }' \
        "$tmp/$m.runs"
done
echo "load after: $(uptime)"
echo "command: ${CLASSES:+CLASSES=$CLASSES }bench/startup-cpu.sh $runs ${modes[*]}"
