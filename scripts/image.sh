#!/usr/bin/env bash
# Builds a container image of Vigil itself without any registry: a root filesystem holding a Java runtime made by
# jlink from the JDK here (only the modules the agent uses), the agent's jar and launcher, the C libraries they
# load and a static busybox (only `sh` and `env`, for the launcher), imported with `docker import`.
#   --tag NAME     the image's name (default vigil:<version>)
#   --jar PATH     use this jar instead of building target/vigil.jar
# The image runs `vigil monitor` by default; docs/DEPLOYMENT.md gives the `docker run` line it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
tag=""; jar=""
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) tag=${2:?--tag needs a name}; shift 2 ;;
    --jar) jar=${2:?--jar needs a path}; shift 2 ;;
    *) echo "image.sh: unknown option $1 (--tag NAME, --jar PATH)" >&2; exit 2 ;;
  esac
done
if [ -z "$jar" ]; then
  jar=target/vigil.jar
  if [ ! -f "$jar" ] || [ -n "$(find src pom.xml -newer "$jar" -print -quit)" ]; then
    mvn -B -q -ntp -DskipTests package
  fi
fi
java=$(readlink -f "${JAVA_HOME:+$JAVA_HOME/bin/}$(command -v java || echo java)")
jdk=$(dirname "$(dirname "$java")")
[ -x "$jdk/bin/jlink" ] && [ -d "$jdk/jmods" ] || { echo "image.sh: no jlink or jmods in $jdk (a full JDK is needed)" >&2; exit 1; }
BUSYBOX=$(command -v busybox || echo /bin/busybox)
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' || {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null; BUSYBOX=/bin/busybox; }
[ -n "$tag" ] || tag="vigil:$("$java" -jar "$jar" version | awk 'NR==1{print $2}')"

# The modules `jdeps --print-module-deps --ignore-missing-deps` finds in the shaded jar, plus jdk.crypto.ec (TLS
# with elliptic-curve key exchange, for the network sinks). The list is fixed here because jdeps takes minutes on the shaded jar.
modules=java.base,java.compiler,java.desktop,java.naming,java.net.http,java.security.jgss,java.sql,jdk.httpserver,jdk.management,jdk.unsupported,jdk.crypto.ec

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
root=$work/rootfs; opt=$root/opt/vigil
mkdir -p "$root"/{bin,usr/bin,etc,tmp,proc,sys,dev,var/lib/vigil,var/run} "$opt/bin" "$opt/lib"
chmod 1777 "$root/tmp"; chmod 0700 "$root/var/lib/vigil"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$opt/jre"
# Debian's JDK links its CA certificates from /etc; the image gets the file itself.
[ -f "$jdk/lib/security/cacerts" ] && cp -L "$jdk/lib/security/cacerts" "$opt/jre/lib/security/cacerts"
install -m 0755 bin/vigil "$opt/bin/vigil"
install -m 0644 "$jar" "$opt/lib/vigil.jar"
cp "$BUSYBOX" "$root/bin/busybox"; ln -s busybox "$root/bin/sh"; ln -s ../../bin/busybox "$root/usr/bin/env"

# The C libraries of the runtime (ldd of its programs and native libraries, except java.desktop's graphics, font
# and sound libraries, which a headless agent never loads: java.desktop is there for java.beans), and those the
# jar's own native code loads once extracted (JNA's dispatch library, SQLite's): glibc's parts, the GCC runtime.
desktop='lib(awt|awt_xawt|awt_headless|fontmanager|splashscreen|jsound|lcms|javajpeg|mlib_image)\.so$'
libs() {
  find "$opt/jre" -type f \( -name '*.so' -o -path '*/bin/*' \) | grep -vE "$desktop" | xargs -n1 ldd 2>/dev/null \
    | grep -oE '/[^ ]+\.so[^ ]*'
  for l in libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1 libgcc_s.so.1; do
    ldconfig -p | awk -v l="$l" '$1 == l && /x86-64|64bit/ {print $NF; exit}'
  done
}
for lib in $(libs | grep -v "^$work" | sort -u); do
  mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"

tar -C "$root" --numeric-owner -c . | docker import \
  --change 'ENTRYPOINT ["/opt/vigil/bin/vigil"]' --change 'CMD ["monitor"]' \
  --change 'ENV JAVA_HOME=/opt/vigil/jre' --change 'ENV PATH=/opt/vigil/bin:/opt/vigil/jre/bin:/usr/bin:/bin' \
  --change 'WORKDIR /' - "$tag" >/dev/null
echo "image.sh: built $tag ($(docker image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))" >&2
