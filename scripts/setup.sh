#!/usr/bin/env bash
# Installs what Vigil needs and is missing on a Debian 12 host: a JDK (17+), Maven, curl, procps and the
# Docker engine (Debian's docker.io), then makes sure an engine answers. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
if ! command -v javac >/dev/null 2>&1 || ! javac -version 2>&1 | grep -qE 'javac (1[7-9]|[2-9][0-9])'; then
  missing+=(openjdk-17-jdk-headless)
fi
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v ps >/dev/null 2>&1 || missing+=(procps)
command -v file >/dev/null 2>&1 || missing+=(file)
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd) # checks the service unit (ServiceUnitIT)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "setup.sh: run as root to install ${missing[*]}" >&2; exit 1; }
  echo "setup.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
scripts/docker-engine.sh start
