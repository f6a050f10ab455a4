#!/usr/bin/env bash
# Sending a large source tree to the engine with one file changed: Kiln's host directory against
# `docker build`'s context transfer, side by side in one run, for trees of N small files (default
# 10,000 and 100,000: 100 files a directory, 64 bytes each).
#
# Each tool has its own copy of the tree (neither reuses the other's transfer). Kiln runs a one-task
# pipeline that copies the tree into busybox and runs `true` on it; Docker builds the equivalent
# Dockerfile (`FROM busybox`, `COPY . /src`, `RUN true`) with the tree as its context. A first
# build of each (not measured) sends the whole tree; then, BENCH_RUNS times, the tools taking turns,
# a line is appended to one file (a new file each run) and the build runs again.
#
# Prints the medians of: the sync (Kiln's `host` step, Docker's `load build context` step: from the
# engine's first request to the last file, as BuildKit reports it), and the wall clock of the whole
# command (process start to exit), with their ratios. Target: Kiln's sync < 0.5 s for 10,000 files.
#
# Usage: bench/sync-bench.sh [N ...]           (default: 10000 100000)
#        env: BENCH_RUNS=5 BENCH_DOCKER=/usr/bin/docker BENCH_LOG_DIR=DIR BENCH_KILN=PATH
#             DOCKER_HOST (both tools use the engine it names)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${BENCH_RUNS:-5}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
docker=${BENCH_DOCKER:-/usr/bin/docker}
export DOCKER_BUILDKIT=1
kiln_bin=${BENCH_KILN:-./kiln}
logs=${BENCH_LOG_DIR:-$(mktemp -d /tmp/sync-bench.XXXXXX)}
mkdir -p "$logs"
results="$logs/results.tsv"  # files, tool, run, wall ms, sync ms
: >"$results"
tmp=$(mktemp -d /tmp/sync-bench-work.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
say() { printf '%s\n' "$*" >&2; }
load() { uptime | sed 's/.*load average: //'; }
"$kiln_bin" --version >/dev/null  # builds Kiln when needed: not measured

tree() { # DIR N: N files of 64 bytes, 100 a directory
  python3 - "$1" "$2" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "d%04d" % (i // 100))
    if i % 100 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%03d.txt" % (i % 100)), "w") as f:
        f.write(("file %d " % i).ljust(63, ".") + "\n")
PY
}

kiln_build() {
  KILN_TIMINGS=1 "$kiln_bin" run -f "$1/pipeline.pkl" --progress plain
}
docker_build() {
  "$docker" build --progress plain -f "$1/Dockerfile" "$1/tree"
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
sync_ms() { # TOOL LOG: the duration BuildKit reported for the transfer step
  if [ "$1" = kiln ]; then
    # the last DONE: BuildKit v0.8 reports a local source done at once, then again after the transfer
    perl -ne '$t = $1 if /#\d+ DONE ([\d.]+)s host /; END { printf "%d\n", $t * 1000 + 0.5 }' "$2"
  else
    perl -ne '$ctx{$1} = 1 if /#(\d+) \[internal\] load build context/;
      if (/#(\d+) DONE ([\d.]+)s/ && $ctx{$1}) { $t = $2 } END { printf "%d\n", $t * 1000 + 0.5 }' "$2"
  fi
}
measure() { # N TOOL RUN DIR
  local log="$logs/$1-$2-$3.log" start end
  start=$(now_ms)
  if ! "${2}_build" "$4" >"$log" 2>&1; then say "  FAILED: $1 $2 #$3 (log: $log)"; tail -5 "$log" >&2; return 1; fi
  end=$(now_ms)
  local s; s=$(sync_ms "$2" "$log")
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$((end - start))" "$s" >>"$results"
  say "  $1 files $2 #$3: $((end - start)) ms, sync $s ms"
}
median() { # N TOOL COLUMN
  awk -F'\t' -v n="$1" -v t="$2" -v c="$3" '$1==n && $2==t && $3 > 0 {print $c}' "$results" | sort -n |
    awk '{v[NR]=$1} END {if (NR) print (NR%2 ? v[(NR+1)/2] : int((v[NR/2]+v[NR/2+1])/2))}'
}

say "sync-bench: ${sizes[*]} files, $runs run(s) each; logs in $logs"
say "engine: $("$docker" version --format 'Docker {{.Server.Version}}'), $(nproc) cores; load: $(load)"
for n in "${sizes[@]}"; do
  nonce="$n-$$-$RANDOM"
  for tool in kiln docker; do
    d="$tmp/$n-$tool"
    mkdir -p "$d/tree"
    tree "$d/tree" "$n"
    if [ $tool = kiln ]; then
      cat >"$d/pipeline.pkl" <<EOF
amends ".kiln/schema/Pipeline.pkl"
tasks {
  ["sync"] {
    run = container.from("busybox:latest").withDirectory("/src", host.directory("tree"))
      .withExec(List("sh", "-c", "true $nonce"))
  }
}
EOF
    else
      printf 'FROM busybox:latest\nCOPY . /src\nRUN true %s\n' "$nonce" >"$d/Dockerfile"
    fi
    say "$n files, $tool: first build (the whole tree; not measured)"
    measure "$n" "$tool" 0 "$d" || true
  done
  for i in $(seq "$runs"); do
    if [ $((i % 2)) = 1 ]; then tools="kiln docker"; else tools="docker kiln"; fi
    say "$n files run $i/$runs; load: $(load)"
    for tool in $tools; do
      f="$tmp/$n-$tool/tree/d$(printf %04d $(( (i * 37) % (n / 100) )))/f$(printf %03d $(( i % 100 ))).txt"
      echo "changed $tool $i" >>"$f"
      measure "$n" "$tool" "$i" "$tmp/$n-$tool" || true
    done
  done
  rm -rf "$tmp/$n-kiln" "$tmp/$n-docker"
done

{
  echo
  echo "load at the end: $(load) ($(nproc) cores); medians of $runs run(s), one file changed; logs: $logs"
  printf '%-8s %10s %10s %8s   %10s %10s %8s\n' files "kiln sync" "dkr sync" ratio "kiln wall" "dkr wall" ratio
  for n in "${sizes[@]}"; do
    ks=$(median "$n" kiln 5); ds=$(median "$n" docker 5); kw=$(median "$n" kiln 4); dw=$(median "$n" docker 4)
    awk -v n="$n" -v ks="${ks:-0}" -v ds="${ds:-0}" -v kw="${kw:-0}" -v dw="${dw:-0}" 'BEGIN {
      printf "%-8s %8.2f s %8.2f s %7.2fx   %8.2f s %8.2f s %7.2fx\n", n, ks/1000, ds/1000, (ds ? ks/ds : 0),
        kw/1000, dw/1000, (dw ? kw/dw : 0) }'
  done
  echo "target: Kiln's sync < 0.5 s for 10,000 files"
} | tee "$logs/table.txt"
