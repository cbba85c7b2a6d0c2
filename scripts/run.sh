#!/usr/bin/env bash
# One command from a fresh Debian 12 host (as root) to a running agent: installs what is missing (JDK, Maven,
# Docker engine), starts dockerd if no engine answers, builds Vigil and runs `vigil monitor` against the local
# engine. Extra arguments go to `vigil monitor` (e.g. --alerts-file /var/log/vigil/alerts.jsonl).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ ! -f target/vigil.jar ] || [ -n "$(find src pom.xml -newer target/vigil.jar -print -quit)" ]; then
  mvn -B -q -DskipTests package
fi
exec bin/vigil monitor "$@"
