#!/usr/bin/env bash
# N concurrent `kiln run`s against the engine, with a fault in the middle of their step; prints, per
# scenario, the exit codes (counted), the seconds from the fault to each exit (min/median/max, as
# this script sees the exits: within 50 ms),
# whether every project's earlier export is intact, staging directories left behind, and lines on
# stderr that are not Kiln's own (stack traces, library logs). Scenarios:
#   ok      no fault: every run must exit 0 with its new export in place
#   cut     the engine is killed: every run must exit 3, at once
#   freeze  the engine is stopped (SIGSTOP): every run must exit 3 within the liveness bound (30 s)
#   sigint  each kiln gets SIGINT (Ctrl-C): every run must exit 130
# Faults are done to bench/engine-proxy.py, a relay in front of the Docker socket, never to the shared
# daemon: SIGKILL of the relay cuts every connection as a killed dockerd does, SIGSTOP freezes them as
# a stopped one does (the kernel still takes new connections). Each run has a project of its own,
# whose build/x.txt an earlier successful run wrote: after a fault it must still hold that content.
# Measured (10 runs, load 13-16 on 2 cores, Docker 20.10): ok 10x0; killed 10x3 in 0.1-0.8 s;
# stopped 10x3 in 29.5-30.9 s; SIGINT 10x130 in 0.2-1.0 s; 10/10 exports intact, no staging left
# and no stderr line but Kiln's in every scenario.
# Usage: bench/fault-bench.sh [N] [SCENARIO...]     (default: N=4, all scenarios)
#        env: BENCH_LOG_DIR=DIR (per-run stdout/stderr; default a new /tmp directory)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
n=${1:-4}
shift || true
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(ok cut freeze sigint)
logs=${BENCH_LOG_DIR:-$(mktemp -d /tmp/fault-bench.XXXXXX)}
work=$(mktemp -d /tmp/fault-bench-work.XXXXXX)
proxy_pid=
cleanup() {
  [ -n "$proxy_pid" ] && kill -9 "$proxy_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

./kiln --version >/dev/null   # builds Kiln once, not measured

start_proxy() {
  rm -f "$work/engine.sock"
  python3 "$root/bench/engine-proxy.py" "$work/engine.sock" &
  proxy_pid=$!
  disown "$proxy_pid"   # killing it is the point: no job report
  for _ in $(seq 50); do [ -S "$work/engine.sock" ] && return; sleep 0.1; done
  echo "engine proxy did not start" >&2; exit 1
}
stop_proxy() {
  kill -CONT "$proxy_pid" 2>/dev/null || true
  kill -9 "$proxy_pid" 2>/dev/null || true
  proxy_pid=
}

# One project per run: the step prints a line, writes its value and sleeps, then the value is exported.
for i in $(seq "$n"); do
  p=$work/p$i
  mkdir -p "$p"
  cat >"$p/pipeline.pkl" <<'EOF'
amends ".kiln/schema/Pipeline.pkl"

hostEnv { "BENCH_VALUE"; "BENCH_SLEEP" }

local busybox = container.from("busybox:latest")

tasks {
  ["work"] {
    run = busybox.withExec(List("sh", "-c",
      "echo step-started \(read("env:BENCH_VALUE")); mkdir -p /out; echo \(read("env:BENCH_VALUE")) > /out/x.txt; sleep \(read("env:BENCH_SLEEP"))"))
    exports { ["/out/x.txt"] = "build/x.txt" }
  }
}
EOF
  (cd "$p" && "$root/kiln" init >/dev/null)
done

now() { date +%s%N; }

# run_all SCENARIO VALUE SLEEP ENGINE: starts one kiln per project in the background. Job control is
# on so that they do not ignore SIGINT, as a shell's background jobs otherwise do.
set -m
pids=()
run_all() {
  pids=()
  for i in $(seq "$n"); do
    (cd "$work/p$i" && BENCH_VALUE="$2-$i-$RANDOM$RANDOM" BENCH_SLEEP=$3 \
      exec "$root/kiln" run --progress plain ${4:+--engine "$4"} \
      >"$logs/$1-$i.out" 2>"$logs/$1-$i.err") &
    pids+=($!)
  done
}

# Waits until every run's step has printed its first line (at most 300 s).
await_steps() {
  for _ in $(seq 3000); do
    local all=1
    for i in $(seq "$n"); do grep -q "step-started" "$logs/$1-$i.out" 2>/dev/null || all=0; done
    [ $all = 1 ] && return 0
    sleep 0.1
  done
  echo "$1: not every step started within 300 s" >&2
  return 1
}

summary() {
  local scenario=$1 expect=$2 codes=$3 times=$4 intact=0 staging=0 noise=0 i
  for i in $(seq "$n"); do
    local x=$work/p$i/build/x.txt
    if [ "$scenario" = ok ]; then
      grep -q "^ok-$i-" "$x" 2>/dev/null && intact=$((intact + 1))
      cp "$x" "$work/p$i.expected" 2>/dev/null || : >"$work/p$i.expected"
    else
      cmp -s "$x" "$work/p$i.expected" && intact=$((intact + 1))
    fi
    staging=$((staging + $(find "$work/p$i/build" -maxdepth 1 -name '.kiln-export-*' | wc -l)))
    # Kiln's own stderr lines: "kiln: ...", the indented attempts and hints that follow them
    noise=$((noise + $(grep -cvE '^(kiln: |  tried |hint: |    )' "$logs/$scenario-$i.err" || true)))
  done
  local sorted median
  sorted=$(tr ' ' '\n' <<<"$times" | sort -n)
  median=$(sed -n "$(( (n + 1) / 2 ))p" <<<"$sorted")
  printf '%-7s runs %d  exit codes: %s (want %s)  s from the fault (ok: the start) to exit: min %s median %s max %s  exports intact %d/%d  staging left %d  foreign stderr lines %d\n' \
    "$scenario" "$n" "$(tr ' ' '\n' <<<"$codes" | sort | uniq -c | awk '{ printf "%s%sx%s", sep, $1, $2; sep=" " }')" \
    "$expect" "$(head -1 <<<"$sorted")" "$median" "$(tail -1 <<<"$sorted")" "$intact" "$n" "$staging" "$noise"
}

# waits for every run; sets codes and times (seconds since $1 ns, at each exit as this shell saw it)
collect() {
  codes="" times=""
  local i rc
  declare -A seen=()
  while [ ${#seen[@]} -lt "$n" ]; do
    for i in $(seq "$n"); do
      [ -n "${seen[$i]:-}" ] && continue
      if ! kill -0 "${pids[$((i - 1))]}" 2>/dev/null; then
        rc=0
        wait "${pids[$((i - 1))]}" || rc=$?
        seen[$i]=1
        codes+="$rc "
        times+="$(awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }') "
      fi
    done
    sleep 0.05
  done
  codes=${codes% } times=${times% }
}

echo "fault bench: $n concurrent runs; logs in $logs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for s in ok "${scenarios[@]}"; do
  case $s in
    ok)
      [ -f "$work/p1.expected" ] && continue   # done first, once: it writes the exports the others must keep
      start_proxy
      t=$(now)
      run_all ok ok 1 "docker://$work/engine.sock"
      collect "$t"
      stop_proxy
      summary ok 0 "$codes" "$times" ;;
    cut|freeze)
      start_proxy
      run_all "$s" "$s" 120 "docker://$work/engine.sock"
      await_steps "$s"
      t=$(now)
      if [ "$s" = cut ]; then kill -9 "$proxy_pid"; else kill -STOP "$proxy_pid"; fi
      collect "$t"
      stop_proxy
      summary "$s" 3 "$codes" "$times" ;;
    sigint)
      start_proxy
      run_all sigint sigint 120 "docker://$work/engine.sock"
      await_steps sigint
      t=$(now)
      for p in "${pids[@]}"; do kill -INT "$p"; done
      collect "$t"
      stop_proxy
      summary sigint 130 "$codes" "$times" ;;
    *) echo "unknown scenario $s (ok, cut, freeze, sigint)" >&2; exit 2 ;;
  esac
done
