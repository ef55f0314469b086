#!/usr/bin/env bash
# Lookups per second of the destination-then-source trie (org.jbabel.wire.PrefixTrie) with 10,000 IPv6 routes
# (/48../128, 5% source-specific), against the linear scan BabelApi.lookup used before, in the same JVM run.
# Usage: bench/lpm-lookup.sh [routes]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
. bin/java-env.sh
./mvnw -B -ntp -q test-compile -pl babel-core -am
"$JAVA_HOME/bin/java" -Xmx512m -cp babel-core/target/classes:babel-core/target/test-classes org.jbabel.wire.PrefixTrieBench "$@"
echo "command: bench/lpm-lookup.sh $*"
echo "machine: $(nproc) cores, $(uname -srm), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), load: $(cut -d' ' -f1-3 /proc/loadavg)"
