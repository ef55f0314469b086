# Sourced by the scripts in bin/ and .ci/: points JAVA_HOME at a JDK 25 or newer.
# Keeps a JAVA_HOME that already is one; otherwise looks in /usr/lib/jvm.
jbabel_java_ok() {
    [ -x "$1/bin/java" ] || return 1
    local v
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
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
