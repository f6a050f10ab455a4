#!/usr/bin/env bash
# `./kiln validate examples/hello/pipeline.pkl` in a fresh process, 5 times; prints each run and the
# median next to the target (< 0.6 s). The launcher builds Kiln and its
# start-up archive on first use, so a warm-up run comes first and is not counted.
# Usage: bench/validate-bench.sh [PIPELINE]
set -euo pipefail
cd "$(dirname "$0")/.."
pipeline="${1:-examples/hello/pipeline.pkl}"

./kiln validate "$pipeline" >/dev/null   # build + training run, not measured
times=()
for _ in 1 2 3 4 5; do
  start=$(date +%s%N)
  ./kiln validate "$pipeline" >/dev/null
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
echo "kiln validate $pipeline: runs ${times[*]} ms; median ${median} ms (target < 600 ms)"
[ "$median" -lt 600 ]
