#!/usr/bin/env bash
# Rules-engine throughput benchmark (JMH, single-threaded): builds the `bench` Maven profile and runs
# RuleEngineBenchmark. Takes about two minutes. Results and how to read them: docs/BENCHMARKS.md.
#
#   scripts/bench.sh                      # the documented run
#   scripts/bench.sh RuleEngineBenchmark.ruleSetMix -t 1 -f 1 -prof gc   # any JMH arguments instead
#
# The JSON results go to target/jmh-result.json. Benchmarks are not part of `mvn verify`.
set -euo pipefail
cd "$(dirname "$0")/.."
default="RuleEngineBenchmark -t 1 -f 2 -wi 3 -w 2s -i 5 -r 2s"
args="${*:-$default} -rf json -rff target/jmh-result.json"
echo "JMH arguments: $args"
exec mvn -B -ntp -q -Pbench -DskipTests test-compile exec:exec@bench -Djmh.args="$args"
