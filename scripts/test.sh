#!/usr/bin/env bash
# The whole test suite, unit and integration, against a real Docker engine (started here if none answers).
# This is what .ci/run calls. Run as root on Debian 12; extra arguments go to Maven (e.g. -Dit.test=MonitorAlertsIT).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-test-images.sh
exec mvn -B -ntp verify "$@"
