#!/bin/sh
# Runs a command in a mount namespace set up the way systemd sets up vigil.service's (ServiceUnitIT; run it under
# `unshare --mount --uts --propagation slave`, which gives ProtectHostname's UTS namespace and lets mounts made on
# the host later, such as new containers' root filesystems, still appear):
#   ProtectSystem=strict       every mount read-only except /proc, /dev and KEEP (standing in for StateDirectory
#                              and LogsDirectory, which systemd creates writable under /var/lib and /var/log,
#                              and for the installed agent)
#   ProtectKernelTunables=yes  /proc/sys read-only (/sys already is, with the rest)
#   ProtectControlGroups=yes   /sys/fs/cgroup read-only (with the rest)
#   ProtectHome=yes            /root and /home empty and inaccessible
#   PrivateTmp=yes             /tmp and /var/tmp empty and private
#   UMask=                     the process's umask
# Usage: unit-sandbox.sh KEEP UMASK COMMAND [ARG...]
set -eu
keep=$1 umask_value=$2; shift 2
mount --bind "$keep" /srv
for mp in $(awk '{print $5}' /proc/self/mountinfo | sort -u); do
  case "$mp" in /proc|/proc/*|/dev|/dev/*|/srv) continue ;; esac
  # A container's root filesystem may be unmounted meanwhile; any other failure stops here.
  mount -o remount,bind,ro "$mp" 2>/dev/null || ! mountpoint -q "$mp" || { echo "cannot make $mp read-only" >&2; exit 1; }
done
mount --bind /proc/sys /proc/sys; mount -o remount,bind,ro /proc/sys
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=1777 tmpfs /var/tmp
mount -t tmpfs -o mode=000 tmpfs /root
mount -t tmpfs -o mode=000 tmpfs /home
mkdir -p "$keep"; mount --bind /srv "$keep"; umount -l /srv
umask "$umask_value"
exec "$@"
