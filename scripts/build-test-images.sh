#!/usr/bin/env bash
# Builds the small images the integration tests use, without any registry:
#   vigil-test/busybox:1   root filesystem of Debian's busybox-static, every applet linked in /bin
#   vigil-test/nmap:1      the same plus Debian's real nmap binary, its shared libraries and data files
# Idempotent: an image that already exists is kept unless --force is given.
set -euo pipefail
force=false; [ "${1:-}" = "--force" ] && force=true

need() { command -v "$1" >/dev/null 2>&1; }
missing=()
need busybox || [ -x /bin/busybox ] || missing+=(busybox-static)
need nmap || missing+=(nmap)
need gcc && [ -f /usr/lib/x86_64-linux-gnu/libc.a ] || missing+=(gcc libc6-dev) # tests compile small static programs
if [ ${#missing[@]} -gt 0 ]; then
  echo "build-test-images.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null; apt-get install -y -qq "${missing[@]}" >/dev/null
fi
BUSYBOX=$(command -v busybox || echo /bin/busybox)
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' || {
  # Debian's "busybox" package is dynamic; the static one is what a bare rootfs needs.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null; BUSYBOX=/bin/busybox; }

exists() { docker image inspect "$1" >/dev/null 2>&1; }

busybox_rootfs() {
  local root=$1
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/tmp,var/spool/cron/crontabs,www/cgi-bin,proc,sys,dev}
  chmod 1777 "$root/tmp" "$root/var/tmp"
  cp "$BUSYBOX" "$root/bin/busybox"
  for applet in $("$BUSYBOX" --list); do
    [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  printf 'root:*:19000:0:99999:7:::\n' >"$root/etc/shadow"; chmod 600 "$root/etc/shadow"
  echo 'hello from vigil-test' >"$root/www/index.html"
  # A CGI that answers slowly, so a client such as wget stays alive long enough to be seen by polling sensors.
  printf '#!/bin/sh\nsleep "${QUERY_STRING:-5}"\nprintf "Content-Type: text/plain\\r\\n\\r\\nslow\\n"\n' >"$root/www/cgi-bin/slow"
  chmod +x "$root/www/cgi-bin/slow"
}

import() {
  local root=$1 tag=$2
  tar -C "$root" -c . | docker import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' - "$tag" >/dev/null
  echo "build-test-images.sh: built $tag" >&2
}

work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

if $force || ! exists vigil-test/busybox:1; then
  busybox_rootfs "$work/bb"; import "$work/bb" vigil-test/busybox:1
fi

if $force || ! exists vigil-test/nmap:1; then
  root="$work/nmap"; busybox_rootfs "$root"
  NMAP=$(command -v nmap)
  mkdir -p "$root/usr/bin" "$root/usr/share"
  cp "$NMAP" "$root/usr/bin/nmap"
  # Copy every shared library nmap links against (and the dynamic loader) at the same paths.
  for lib in $(ldd "$NMAP" | grep -oE '/[^ ]+'); do
    mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"
  done
  cp -r /usr/share/nmap "$root/usr/share/nmap"
  import "$root" vigil-test/nmap:1
fi
