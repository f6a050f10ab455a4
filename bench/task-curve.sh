#!/usr/bin/env bash
# Kiln's fixed cost per task: pipelines of N independent tiny tasks (each `echo` in busybox), cold
# and cached, against `docker build` of the equivalent multi-stage Dockerfile (one stage a task,
# all built by one target that copies each stage's file), side by side in one run. Also the
# fan-out row: examples/fan-out's shape (three parts and a join), cold and cached.
#
# Cold never prunes the engine (other builds share it): each cold run writes new commands (a fresh
# nonce in every `echo`), so every step runs again while busybox stays pulled; Kiln evaluates the
# new pipeline before (`kiln validate`, not measured), as it would find an unchanged one. Cached is the same
# again, unchanged. Each tool builds its own generated copy, so neither reuses the other's steps.
# Kiln runs with its default parallelism (-j); Docker's BuildKit runs every stage at once.
#
# Prints, per N: the medians of the wall clock (process start to exit) of each tool, their ratio,
# and the time per task of each and of Kiln beyond Docker ((kiln - docker) / N): flat from 10 to
# 1,000 when Kiln's fixed cost per task does not grow with the number of tasks.
#
# Usage: bench/task-curve.sh [N ...]      (default: 10 100 1000)
#        env: BENCH_RUNS=3 (runs per size; 1,000 tasks take minutes a run), BENCH_DOCKER=/usr/bin/docker,
#             BENCH_LOG_DIR=DIR, KILN_ARGS="-j 8" (extra `kiln run` options),
#             BENCH_KILN=PATH (a Kiln launcher, say an unpacked distribution's bin/kiln, to compare
#             builds or to keep measuring one while the checkout is rebuilt; default ./kiln)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${BENCH_RUNS:-3}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10 100 1000)
docker=${BENCH_DOCKER:-/usr/bin/docker}
export DOCKER_BUILDKIT=1
logs=${BENCH_LOG_DIR:-$(mktemp -d /tmp/task-curve.XXXXXX)}
mkdir -p "$logs"
results="$logs/results.tsv"  # shape, scenario, tool, run, wall ms
: >"$results"
tmp=$(mktemp -d /tmp/task-curve-work.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
say() { printf '%s\n' "$*" >&2; }
load() { uptime | sed 's/.*load average: //'; }

kiln_bin=${BENCH_KILN:-./kiln}
"$kiln_bin" --version >/dev/null  # builds Kiln when needed: not measured

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# measure SHAPE SCENARIO TOOL RUN COMMAND...
measure() {
  local shape=$1 sc=$2 tool=$3 n=$4; shift 4
  local log="$logs/$shape-$sc-$tool-$n.log" start end
  start=$(now_ms)
  # A failed build is said and left out of the medians (docker build of 100 stages at once on
  # Docker 20.10 sometimes fails with "flightcontrol: exceeded retry timeout").
  if ! "$@" >"$log" 2>&1; then say "  FAILED: $shape $sc $tool #$n (log: $log): $(tail -1 "$log")"; return 1; fi
  end=$(now_ms)
  printf '%s\t%s\t%s\t%s\t%s\n' "$shape" "$sc" "$tool" "$n" "$((end - start))" >>"$results"
  say "  $shape $sc $tool #$n: $((end - start)) ms"
}
median() { # SHAPE SCENARIO TOOL
  awk -F'\t' -v s="$1" -v c="$2" -v t="$3" '$1==s && $2==c && $3==t {print $5}' "$results" | sort -n |
    awk '{v[NR]=$1} END {if (NR) print (NR%2 ? v[(NR+1)/2] : int((v[NR/2]+v[NR/2+1])/2))}'
}

# generate SHAPE DIR NONCE: DIR/kiln/pipeline.pkl and DIR/docker/Dockerfile. SHAPE is a task count,
# or fan-out (examples/fan-out: alpha, beta, gamma, and join exporting joined.txt).
generate() {
  local shape=$1 dir=$2 nonce=$3 i
  mkdir -p "$dir/kiln" "$dir/docker"
  if [ "$shape" = fan-out ]; then
    sed "s/echo \\\\(name)/echo \\\\(name)-$nonce/" examples/fan-out/pipeline.pkl >"$dir/kiln/pipeline.pkl"
    sed "s/RUN mkdir -p \/out \&\& echo \([a-z]*\) /RUN mkdir -p \/out \&\& echo \1-$nonce /" \
      bench/dockerfiles/fan-out/Dockerfile >"$dir/docker/Dockerfile"
    grep -q -- "-$nonce" "$dir/kiln/pipeline.pkl" && [ "$(grep -c -- "-$nonce" "$dir/docker/Dockerfile")" = 3 ] ||
      { say "could not put the nonce into the fan-out copies"; exit 1; }
    return
  fi
  {
    echo 'amends ".kiln/schema/Pipeline.pkl"'
    echo 'local busybox = container.from("busybox:latest")'
    echo 'tasks {'
    echo "  for (i in IntSeq(1, $shape)) {"
    echo "    [\"t\\(i)\"] { run = busybox.withExec(List(\"sh\", \"-c\", \"echo $nonce-\\(i) > /out\")) }"
    echo '  }'
    echo '}'
  } >"$dir/kiln/pipeline.pkl"
  {
    for i in $(seq "$shape"); do printf 'FROM busybox:latest AS t%s\nRUN echo %s-%s > /out\n' "$i" "$nonce" "$i"; done
    echo 'FROM scratch AS all'
    for i in $(seq "$shape"); do printf 'COPY --from=t%s /out /t%s\n' "$i" "$i"; done
  } >"$dir/docker/Dockerfile"
}

kiln_run() { "$kiln_bin" run -f "$1/kiln/pipeline.pkl" --progress plain ${KILN_ARGS:-}; }
docker_run() {
  local target=all; [ -f "$1/docker/Dockerfile" ] && grep -q ' AS package' "$1/docker/Dockerfile" && target=package
  rm -rf "$1/out" && "$docker" build --progress plain --target "$target" -o "type=local,dest=$1/out" "$1/docker"
}

say "task-curve: sizes ${sizes[*]} + fan-out, $runs run(s) each; logs in $logs"
say "engine: $("$docker" version --format 'Docker {{.Server.Version}}'), $(nproc) cores; load: $(load)"
for shape in fan-out "${sizes[@]}"; do
  for i in $(seq "$runs"); do
    say "$shape run $i/$runs; load: $(load)"
    # They take turns going first, so a change in the load favours neither.
    if [ $((i % 2)) = 1 ]; then tools="kiln docker"; else tools="docker kiln"; fi
    for tool in $tools; do
      dir="$tmp/$shape-$tool-$i"
      generate "$shape" "$dir" "$tool-$i-$$-$RANDOM"
      # A cold engine, not a new pipeline: Kiln evaluates the new file once, unmeasured, as a
      # `kiln run` on a pruned engine would find it evaluated.
      [ "$tool" = docker ] || "$kiln_bin" validate -f "$dir/kiln/pipeline.pkl" >/dev/null
      measure "$shape" cold "$tool" "$i" ${tool}_run "$dir" &&
        measure "$shape" cached "$tool" "$i" ${tool}_run "$dir" || true
      rm -rf "$dir"
    done
  done
done

ms() { awk -v a="$1" 'BEGIN {if (a == "") print "-"; else printf "%.2f s", a / 1000}'; }
{
  echo
  echo "load at the end: $(load) ($(nproc) cores); medians of $runs run(s); logs: $logs"
  printf '%-8s %-7s %9s %9s %8s %12s %12s %14s\n' tasks scenario kiln docker kiln/dkr kiln/task docker/task "(k-d)/task"
  for shape in fan-out "${sizes[@]}"; do
    for sc in cold cached; do
      k=$(median "$shape" $sc kiln); d=$(median "$shape" $sc docker)
      n=$shape; [ "$shape" = fan-out ] && n=4
      if [ -z "$k" ] || [ -z "$d" ]; then
        # Docker 20.10 fails 1,000 stages at once ("flightcontrol: exceeded retry timeout").
        awk -v s="$shape" -v c="$sc" -v k="$k" -v n="$n" 'BEGIN { if (k == "") { printf "%-8s %-7s (failed)\n", s, c }
          else printf "%-8s %-7s %7.2f s %9s %8s %9.1f ms %12s %14s\n", s, c, k / 1000, "failed", "-", k / n, "-", "-" }'
        continue
      fi
      awk -v s="$shape" -v c="$sc" -v k="$k" -v d="$d" -v n="$n" 'BEGIN {
        printf "%-8s %-7s %7.2f s %7.2f s %7.2fx %9.1f ms %9.1f ms %11.1f ms\n",
          s, c, k / 1000, d / 1000, k / d, k / n, d / n, (k - d) / n }'
    done
  done
  echo "fan-out cold target: kiln/docker <= 1.10x"
} | tee "$logs/table.txt"
