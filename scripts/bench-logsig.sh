#!/usr/bin/env bash
# Log-signature scanning speed: Vigil's matcher (dev.vigil.detect.logsig) against GNU grep -F on the same corpus.
#  1. generates a deterministic corpus of container log lines (dev.vigil.bench.LogCorpus: nginx, JSON, Celery,
#     Spring, Postgres, Redis, logfmt, accented/CJK text, near misses; about 1 attack line in 5,000),
#  2. writes the built-in signatures' patterns as plain grep -F pattern files,
#  3. for each case mode, times RUNS runs of `LC_ALL=C grep -F [-i] -c -f patterns corpus` and RUNS runs of
#     dev.vigil.bench.LogSigBench (streams the file in 1 MiB blocks, splits lines, matches each line for all
#     signatures), checks that both count the same matching lines, and prints median MB/s (10^6 bytes) of each and
#     the ratio, by wall clock and by CPU time (user+sys for grep, thread CPU for Java; on a shared machine CPU
#     time is the steadier of the two).
# Modes: ignore-case (every pattern case-insensitive, grep -i), exact (every pattern case-sensitive, plain grep -F)
# and as-is (the signatures' own flags; grep needs two passes for that, so only the counts are compared).
# Usage: scripts/bench-logsig.sh [MB=500] [RUNS=5]      results: docs/BENCHMARKS.md
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-500}; RUNS=${2:-5}
dir=target/logsig-bench; mkdir -p "$dir"
corpus=$dir/corpus-${MB}m.log
command -v /usr/bin/time >/dev/null || { echo "bench-logsig.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
mvn -B -ntp -q -Dstyle.color=never -Pbench -DskipTests test-compile
java_run() {  # Maven's console resets (ESC [0m) stripped from the program's output
  mvn -B -ntp -q -Dstyle.color=never -Pbench exec:exec@logsig -Dlogsig.main="$1" -Dlogsig.args="$2" \
    | sed 's/\x1b\[[0-9;]*m//g'
}
[ -s "$corpus" ] || java_run dev.vigil.bench.LogCorpus "$corpus $MB"
java_run dev.vigil.bench.LogSigBench "export $dir"
bytes=$(stat -c %s "$corpus")
cat "$corpus" >/dev/null   # into the page cache, for both tools alike
echo "corpus: $corpus, $bytes bytes, $(wc -l <"$corpus") lines; grep: $(grep --version | head -1); $(nproc) CPUs"

summary() {  # $1 = label, $2 = file of "count wall_s cpu_s" lines, one per run
  python3 - "$1" "$2" "$bytes" <<'PY'
import sys, statistics
label, path, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [l.split() for l in open(path) if l.strip()]
counts = ",".join(sorted({r[0] for r in rows}))
wall = statistics.median(float(r[1]) for r in rows)
cpu = statistics.median(float(r[2]) for r in rows)
print(f"{label:<12} matching lines {counts}; median of {len(rows)} runs: wall {size / 1e6 / wall:7.1f} MB/s, "
      f"cpu {size / 1e6 / cpu:7.1f} MB/s")
PY
}

for mode in ignore-case exact; do
  flag=""; [ "$mode" = ignore-case ] && flag="-i"
  : >"$dir/grep-$mode.txt"
  for _ in $(seq 1 "$RUNS"); do
    count=$(LC_ALL=C /usr/bin/time -f "%e %U %S" -o "$dir/time.txt" grep -F $flag -c -f "$dir/all.txt" "$corpus" || true)
    read -r wall user sys < <(tail -1 "$dir/time.txt")
    echo "$count $wall $(python3 -c "print($user+$sys)")" >>"$dir/grep-$mode.txt"
  done
  java_run dev.vigil.bench.LogSigBench "scan $corpus $mode $RUNS 2" \
    | sed -n 's/.*lines=\([0-9]*\) .*wall_s=\([0-9.]*\) cpu_s=\([0-9.]*\)/\1 \2 \3/p' >"$dir/java-$mode.txt"
  echo "== $mode"; summary "grep -F $flag" "$dir/grep-$mode.txt"; summary "vigil" "$dir/java-$mode.txt"
  gc=$(cut -d' ' -f1 "$dir/grep-$mode.txt" | sort -u); jc=$(cut -d' ' -f1 "$dir/java-$mode.txt" | sort -u)
  if [ "$gc" != "$jc" ]; then echo "MISMATCH ($mode): grep counted $gc matching lines, vigil $jc" >&2; exit 1; fi
  python3 - "$dir/grep-$mode.txt" "$dir/java-$mode.txt" <<'PY'
import sys, statistics
med = lambda f, k: statistics.median(float(l.split()[k]) for l in open(f) if l.strip())
g, j = sys.argv[1], sys.argv[2]
print(f"ratio vigil/grep: wall {med(g,1)/med(j,1):.2f}x  cpu {med(g,2)/med(j,2):.2f}x")
PY
done

# The signatures' own case flags: grep cannot mix them in one pass, so the reference is the union of the lines
# found by grep -i with the case-insensitive patterns and by plain grep with the case-sensitive ones.
ref=$( { LC_ALL=C grep -F -i -n -f "$dir/ignore-case.txt" "$corpus" || true; \
         LC_ALL=C grep -F -n -f "$dir/exact.txt" "$corpus" || true; } | cut -d: -f1 | sort -u | wc -l)
java_run dev.vigil.bench.LogSigBench "scan $corpus as-is $RUNS 2" \
  | sed -n 's/.*lines=\([0-9]*\) .*wall_s=\([0-9.]*\) cpu_s=\([0-9.]*\)/\1 \2 \3/p' >"$dir/java-as-is.txt"
echo "== as-is (signature flags)"; summary "vigil" "$dir/java-as-is.txt"
jc=$(cut -d' ' -f1 "$dir/java-as-is.txt" | sort -u)
if [ "$jc" != "$ref" ]; then echo "MISMATCH (as-is): grep union $ref matching lines, vigil $jc" >&2; exit 1; fi
echo "grep union (two passes) counts $ref matching lines: same"
