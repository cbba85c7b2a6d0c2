#!/usr/bin/env bash
# Installs Vigil as a systemd service (run as root): builds the jar if it is missing or older than the sources,
# copies the launcher and the jar to PREFIX (bin/vigil, lib/vigil.jar), writes the unit rendered from
# packaging/systemd/vigil.service (PREFIX and the Java runtime filled in), checks it with `systemd-analyze verify`
# and, where systemd runs, enables and starts it. docs/DEPLOYMENT.md explains the unit.
#   --prefix DIR     where to install (default /opt/vigil)
#   --unit-dir DIR   where to write vigil.service (default /etc/systemd/system)
#   --no-start       write the files only: no daemon-reload, enable or start
#   --jar PATH       install this jar instead of building target/vigil.jar
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=/opt/vigil; unit_dir=/etc/systemd/system; start=true; jar=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
    --unit-dir) unit_dir=${2:?--unit-dir needs a directory}; shift 2 ;;
    --no-start) start=false; shift ;;
    --jar) jar=${2:?--jar needs a path}; shift 2 ;;
    *) echo "install-service.sh: unknown option $1 (--prefix DIR, --unit-dir DIR, --no-start, --jar PATH)" >&2
      exit 2 ;;
  esac
done
case "$prefix" in /*) ;; *) echo "install-service.sh: --prefix must be an absolute path" >&2; exit 2 ;; esac

if [ -z "$jar" ]; then
  jar=target/vigil.jar
  if [ ! -f "$jar" ] || [ -n "$(find src pom.xml -newer "$jar" -print -quit)" ]; then
    mvn -B -q -ntp -DskipTests package
  fi
fi
java=$(readlink -f "${JAVA_HOME:+$JAVA_HOME/bin/}$(command -v java || echo java)")
[ -x "$java" ] || { echo "install-service.sh: no java on PATH or in JAVA_HOME" >&2; exit 1; }
java_home=$(dirname "$(dirname "$java")")

install -d -m 0755 "$prefix/bin" "$prefix/lib" "$prefix/docs" "$unit_dir"
install -m 0755 bin/vigil "$prefix/bin/vigil"
install -m 0644 "$jar" "$prefix/lib/vigil.jar"
install -m 0644 docs/DEPLOYMENT.md "$prefix/docs/DEPLOYMENT.md"
unit="$unit_dir/vigil.service"
sed -e "s|@PREFIX@|$prefix|g" -e "s|@JAVA_HOME@|$java_home|g" packaging/systemd/vigil.service >"$unit.tmp"
chmod 0644 "$unit.tmp"; mv "$unit.tmp" "$unit"
echo "install-service.sh: installed $prefix/bin/vigil, $prefix/lib/vigil.jar and $unit" >&2

if command -v systemd-analyze >/dev/null 2>&1; then
  # Fatal errors fail the install; warnings (an unknown key, a bad value) are printed but ignored by systemd, so
  # they fail it too.
  if ! report=$(systemd-analyze verify "$unit" 2>&1) || grep -qF "$unit" <<<"$report"; then
    echo "install-service.sh: systemd-analyze verify $unit:" >&2; echo "$report" >&2; exit 1
  fi
fi
if ! $start; then
  exit 0
fi
if [ -d /run/systemd/system ]; then # systemd runs as PID 1
  systemctl daemon-reload
  systemctl enable --now vigil.service
  echo "install-service.sh: vigil.service enabled and started; see: systemctl status vigil; $prefix/bin/vigil status" >&2
else
  echo "install-service.sh: systemd is not running on this host; the unit is installed but not started" >&2
fi
