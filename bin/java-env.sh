# Sourced by the scripts in bin/ and .ci/: points JAVA_HOME at a JDK 25 or newer (keeps a JAVA_HOME that already
# is one; otherwise looks in /usr/lib/jvm), sets jars and native to where the built jar and netty's native library
# are, and offers jbabel_build_if_stale. The callers set root to the directory above bin/ first.
#
# Two layouts: the source tree (the jar in cli/target) and the installed one of the Debian package (dist/build-deb.sh,
# docs/PACKAGING.md: /usr/lib/jbabel with the jar beside bin/, its libraries in lib/, netty's native library in native/
# and the Java runtime the package brings in runtime/, which is then always the one used).
root=${root:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
if [ -f "$root/jbabel-cli.jar" ]; then
    jars=$root
    native=$root/native
    [ -x "$root/runtime/bin/java" ] && JAVA_HOME=$root/runtime
else
    jars=$root/cli/target
    native=$root/cli/target/native/META-INF/native
fi
jbabel_java_ok() {
    [ -x "$1/bin/java" ] || return 1
    local v
    # The JDK's release file names its version; asking java itself would start a JVM (~0.2 s at every start).
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
    [ -n "$v" ] || v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null
}
if [ -z "${JAVA_HOME:-}" ] || ! jbabel_java_ok "$JAVA_HOME"; then
    JAVA_HOME=
    for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 /usr/lib/jvm/*25* /usr/lib/jvm/*; do
        if jbabel_java_ok "$candidate"; then JAVA_HOME=$candidate; break; fi
    done
    if [ -z "$JAVA_HOME" ]; then
        echo "jbabel needs a JDK 25 or newer: set JAVA_HOME to one" >&2
        exit 1
    fi
fi
export JAVA_HOME

# Builds the cli jar (and what it needs) when it is missing or older than any source, pom or resource.
# $1: the project root, $2: the name to show in the message. JBABEL_NO_BUILD=1 never builds (init scripts).
jbabel_build_if_stale() {
    local root=$1 jar="$1/cli/target/jbabel-cli.jar"
    [ -n "${JBABEL_NO_BUILD:-}" ] || [ -f "$root/jbabel-cli.jar" ] && return 0
    if [ ! -f "$jar" ] || [ -n "$(find "$root" -path '*/target' -prune -o \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit)" ]; then
        echo "$2: building (first run or sources changed)..." >&2
        (cd "$root" && ./mvnw -q -B -DskipTests -pl cli -am install >&2)
    fi
}
