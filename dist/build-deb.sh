#!/usr/bin/env bash
# Builds the Debian package of jbabel (docs/PACKAGING.md) from the jars the build made in cli/target: the Java runtime
# image (jlink, the three modules jbabeld runs with), the man pages and bash completions (org.jbabel.cli.Manuals), and
# the tree of the package, made into OUT/jbabel_VERSION_ARCH.deb by dpkg-deb. `./mvnw -Pdist -DskipTests package -pl
# cli -am` builds the jars and then runs this; run by hand after a build it does the same.
#
#   dist/build-deb.sh [--out DIR] [--compress xz|gzip|none]     (default: cli/target, xz)
#
# The architecture is the build machine's (the runtime image is this JDK's); the package depends on no Java.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$root/bin/java-env.sh"
out=$root/cli/target
compress=xz
while [ $# -gt 0 ]; do
    case $1 in
        --out) out=$2; shift 2 ;;
        --compress) compress=$2; shift 2 ;;
        *) echo "usage: dist/build-deb.sh [--out DIR] [--compress xz|gzip|none]" >&2; exit 2 ;;
    esac
done
target=$root/cli/target
if [ ! -f "$target/jbabel-cli.jar" ] || [ ! -d "$target/native/META-INF/native" ]; then
    echo "dist/build-deb.sh: build the jars first: ./mvnw -Pdist -DskipTests package -pl cli -am" >&2
    exit 1
fi
# The modules jbabeld is run with (--limit-modules in bin/jbabeld.options, proved by the conformance tests); jdeps
# finds more only in code of the libraries that jbabel never runs (docs/PACKAGING.md).
modules=$(sed -n 's/^--limit-modules=//p' "$root/bin/jbabeld.options")
arch=$(dpkg --print-architecture)
version=$(sed -n 's/^version=//p' "$target/maven-archiver/pom.properties" | tr 'A-Z-' 'a-z~')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The runtime image, rebuilt when missing or older than the JDK it is made from.
image=$target/runtime
if [ ! -x "$image/bin/java" ] || [ "$JAVA_HOME/release" -nt "$image/release" ]; then
    rm -rf "$image"
    "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --output "$image"
fi
"$JAVA_HOME/bin/java" -cp "$target/jbabel-cli.jar" org.jbabel.cli.Manuals "$work/manuals"

pkg=$work/pkg
lib=$pkg/usr/lib/jbabel
mkdir -p "$lib/bin" "$lib/native" "$pkg/usr/sbin" "$pkg/usr/bin" "$pkg/lib/systemd/system" "$pkg/etc/jbabel" \
    "$pkg/usr/share/man/man1" "$pkg/usr/share/man/man8" "$pkg/usr/share/bash-completion/completions" "$pkg/DEBIAN"
cp "$target/jbabel-cli.jar" "$lib/"
cp -r "$target/lib" "$lib/lib"
cp "$target"/native/META-INF/native/*.so "$lib/native/"
cp -a "$image" "$lib/runtime"
cp "$root/bin/jbabeld" "$root/bin/jbabel" "$root/bin/java-env.sh" "$root/bin/jbabeld.options" "$lib/bin/"
ln -s ../lib/jbabel/bin/jbabeld "$pkg/usr/sbin/jbabeld"
ln -s ../lib/jbabel/bin/jbabel "$pkg/usr/bin/jbabel"
cp "$root/dist/jbabeld.service" "$pkg/lib/systemd/system/"
cp "$root/dist/jbabeld.conf" "$pkg/etc/jbabel/"
gzip -9n <"$work/manuals/jbabel.1" >"$pkg/usr/share/man/man1/jbabel.1.gz"
gzip -9n <"$work/manuals/jbabeld.8" >"$pkg/usr/share/man/man8/jbabeld.8.gz"
cp "$work/manuals/completion/jbabel" "$work/manuals/completion/jbabeld" "$pkg/usr/share/bash-completion/completions/"
cp "$root/dist/debian/postinst" "$root/dist/debian/prerm" "$root/dist/debian/postrm" "$root/dist/debian/conffiles" \
    "$pkg/DEBIAN/"
chmod -R go-w "$pkg"
size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
# libc is all that the runtime image and netty's library link (ldd); ip for the training run of the cache
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" -e "s/@DEPENDS@/libc6, iproute2/" \
    "$root/dist/debian/control" >"$pkg/DEBIAN/control"
mkdir -p "$out"
deb=$out/jbabel_${version}_${arch}.deb
dpkg-deb --root-owner-group -Z"$compress" --build "$pkg" "$deb" >&2
echo "$deb"
