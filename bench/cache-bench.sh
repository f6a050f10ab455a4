#!/usr/bin/env bash
# Kiln against `docker build` on the same engine (the local dockerd's embedded BuildKit), side by
# side in one run, for examples/java-maven and examples/fan-out, next to Kiln's
# targets. The Docker side builds bench/dockerfiles/<example>/Dockerfile,
# which does the same steps (same base images, apt installs, mvn commands, cache mount on
# /root/.m2 shared under Maven 3.9's file locks).
#
# Scenarios, each measured BENCH_RUNS times (default 3), median reported (wall clock of the whole
# command, process start to exit):
#   cold      `docker builder prune -af` (the engine's whole build cache, Kiln's cache volumes
#             included: they are BuildKit cache mounts), then the build.
#             Kiln: `kiln run -f examples/java-maven/pipeline.pkl package` / fan-out: all tasks.
#             Docker: `docker build --target package -o type=local,dest=TMP` (the jar / joined.txt,
#             as Kiln exports them).
#   cached    the same again, unchanged.
#   one-file  java-maven: a comment appended to app/src/.../Main.java (a new one each run, restored
#             afterwards, also on exit/interrupt), then the same build. fan-out reads no source
#             file and has no parameter: skipped (n/a).
#   registry  a pruned engine with a registry cache. Docker 20.10's BuildKit exports only inline
#             cache, which travels inside a pushed image, so each run first publishes with inline
#             cache on a warm engine (not measured), then prunes the engine, removes the image from
#             Docker's store, and measures the same build with the registry cache as its source:
#             java-maven: Kiln `run image -p imageRef=REF --cache-to type=inline`, then
#               `--cache-from type=registry,ref=REF`; Docker: `--target test`, then
#               `--target image --build-arg BUILDKIT_INLINE_CACHE=1 -t REF` and `docker push REF`,
#               then the same with `--cache-from REF` (the two builds are Kiln's two tasks:
#               `image` depends on `test`).
#             fan-out has no publish task: Kiln runs a temporary pipeline (outside the repository)
#             that amends a copy of the example with an `image` task publishing the `join`
#             container; Docker builds `--target join` and pushes it.
#             The target compares this run with the `cold` median of the same tool (cold runs
#             `package`, which does less than `image`, so the speed-up is understated).
#   registry-bk  only with BENCH_BUILDKITD=ADDRESS (a standalone buildkitd, which exports registry
#             caches; CI has none): Kiln alone on that engine, `cold-bk` (pruned, no cache import)
#             against `registry-bk`: a warm run exports `--cache-to type=registry,ref=REF,mode=max`
#             (not measured), the engine is pruned, and the same run imports `--cache-from REF`.
#             `docker build` cannot use a standalone buildkitd without buildx: its column is n/a.
#   overhead  Kiln's own time on the fully cached run: wall clock minus the solve phase
#             (`KILN_TIMINGS=1` prints JVM start, evaluate, connect, probe, plan, run, record).
# Targets (PASS/FAIL): cold and one-file <= 1.0x docker build; overhead < 0.3 s; registry run
# >= 5x faster than cold.
#
# Run as root with the engine up (scripts/engine-up.sh, started here when dockerd does not answer).
# Other builds on the same engine make the numbers noisy: the load average is printed with them.
# Pruning slows the others' builds down, and on Docker 20.10 a prune that races another client's
# image pull can crash dockerd (BuildKit 0.8, moby/buildkit#2153): the script then restarts it
# with scripts/engine-up.sh. Best run while nobody else uses the engine: on a shared machine, give
# the benchmark a daemon of its own (bench/second-dockerd.sh) with DOCKER_HOST, which both tools
# then use; the script never restarts a daemon named by DOCKER_HOST.
# Needs a Docker CLI that builds with BuildKit without buildx (Debian's 20.10 /usr/bin/docker);
# BENCH_DOCKER picks one. Per-command logs (each line prefixed with the seconds since the command
# started) stay in BENCH_LOG_DIR (default: a new /tmp directory).
#
# Usage: bench/cache-bench.sh [java-maven|fan-out ...]     (default: both)
#        env: BENCH_RUNS=3 BENCH_DOCKER=/usr/bin/docker BENCH_LOG_DIR=DIR BENCH_BUILDKITD=ADDRESS
#             BENCH_KILN=PATH (a Kiln launcher; default ./kiln) DOCKER_HOST (the engine of both tools)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

runs=${BENCH_RUNS:-3}
examples=("$@")
[ ${#examples[@]} -gt 0 ] || examples=(java-maven fan-out)
for e in "${examples[@]}"; do
  case $e in java-maven|fan-out) ;; *) echo "usage: bench/cache-bench.sh [java-maven|fan-out ...]" >&2; exit 2 ;; esac
done
registry=127.0.0.1:5000
bk=${BENCH_BUILDKITD:-}
logs=${BENCH_LOG_DIR:-$(mktemp -d /tmp/cache-bench.XXXXXX)}
mkdir -p "$logs"
results="$logs/results.tsv"   # example, scenario, tool, run, wall ms
steps="$logs/steps.tsv"       # example, scenario, tool, run, ms the engine spent in exec steps
: >"$results"
: >"$steps"
tmp=$(mktemp -d /tmp/cache-bench-work.XXXXXX)

java_file=examples/java-maven/app/src/main/java/dev/kiln/example/app/Main.java
cp -p "$java_file" "$tmp/Main.java.orig"
restore() { cp -p "$tmp/Main.java.orig" "$root/$java_file"; }
cleanup() {
  restore
  rm -rf "$tmp"
  # The images stay in the registry (the next run pushes over them); Docker's store keeps none,
  # nor the untagged ones each rebuild left behind.
  [ -n "${docker:-}" ] || return 0
  "$docker" images -q --filter "reference=$registry/bench/*" | sort -u | xargs -r "$docker" rmi -f >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*" >&2; }

# --- the Docker CLI: one that builds with BuildKit itself (20.10's), or has buildx --------------
pick_docker() {
  if [ -n "${BENCH_DOCKER:-}" ]; then echo "$BENCH_DOCKER"; return; fi
  local c v
  for c in /usr/bin/docker $(type -ap docker); do
    [ -x "$c" ] || continue
    v=$("$c" version --format '{{.Client.Version}}' 2>/dev/null) || continue
    if [ "${v%%.*}" -lt 23 ] 2>/dev/null || "$c" buildx version >/dev/null 2>&1; then echo "$c"; return; fi
  done
  say "no Docker CLI that builds with BuildKit (need 20.10's, or buildx); set BENCH_DOCKER"
  exit 2
}
docker=$(pick_docker)
export DOCKER_BUILDKIT=1

engine_up() {
  if [ -n "${DOCKER_HOST:-}" ]; then
    "$docker" info >/dev/null 2>&1 || { say "the engine at DOCKER_HOST=$DOCKER_HOST does not answer"; exit 3; }
  else
    scripts/engine-up.sh
  fi
}
"$docker" info >/dev/null 2>&1 || engine_up
kiln_bin=${BENCH_KILN:-./kiln}
"$kiln_bin" --version >/dev/null   # builds Kiln and its start-up archive when needed: not measured

# --- measuring ---------------------------------------------------------------------------------
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Prefixes each line with the seconds since the command started, to see where a run's time goes.
stamp() { perl -MTime::HiRes=time -ne 'BEGIN { $| = 1; $s = time } printf "%7.3f %s", time - $s, $_'; }

# measure EXAMPLE SCENARIO TOOL RUN COMMAND...: runs it (output to its log, time-stamped), records
# the wall time.
measure() {
  local ex=$1 sc=$2 tool=$3 n=$4; shift 4
  local log="$logs/$ex-$sc-$tool-$n.log" start end
  start=$(now_ms)
  if ! "$@" 2>&1 | stamp >"$log"; then
    say "FAILED: $* (log: $log)"; tail -30 "$log" >&2; exit 1
  fi
  end=$(now_ms)
  printf '%s\t%s\t%s\t%s\t%s\n' "$ex" "$sc" "$tool" "$n" "$((end - start))" >>"$results"
  printf '%s\t%s\t%s\t%s\t%s\n' "$ex" "$sc" "$tool" "$n" "$(exec_ms "$tool" "$log")" >>"$steps"
  say "  $ex $sc $tool #$n: $((end - start)) ms"
}
# exec_ms TOOL LOG: how long the engine was running commands (the union of the exec steps' spans,
# so parallel steps count once), from the plain progress: a step ends at its DONE line's time stamp
# and lasted the duration BuildKit reported. Sources, copies and exports are not commands.
exec_ms() {
  perl -ne '
    BEGIN { $tool = shift @ARGV }
    my ($at) = /^\s*([\d.]+) /;
    if ($tool eq "kiln") {
      # [task] #4 DONE 2.2s mvn -B ...
      push @s, [$at - $1, $at] if /\] #\d+ DONE ([\d.]+)s (?!docker-image:|host |copy |export|importing|local:)/;
    } else {
      # #9 [stage 1/1] RUN ...  then, maybe after the command output on the same line, #9 DONE 2.0s
      $run{$1} = 1 if /^\s*[\d.]+ #(\d+) \[[^\]]*\] RUN /;
      while (/#(\d+) DONE ([\d.]+)s/g) { push @s, [$at - $2, $at] if $run{$1} }
    }
    END {
      my ($t, $end) = (0, -1e9);
      for my $i (sort { $a->[0] <=> $b->[0] } @s) {
        if ($i->[0] > $end) { $t += $i->[1] - $i->[0]; $end = $i->[1] }
        elsif ($i->[1] > $end) { $t += $i->[1] - $end; $end = $i->[1] }
      }
      printf "%d\n", $t * 1000 + 0.5;
    }' "$1" "$2"
}
quiet() { # runs a command that is not measured; its output goes to a log
  local log="$logs/setup.log"
  "$@" >>"$log" 2>&1 || { say "FAILED: $* (log: $log)"; tail -30 "$log" >&2; exit 1; }
}
prune() {
  if ! "$docker" builder prune -af >>"$logs/setup.log" 2>&1; then
    # BuildKit 0.8 can crash dockerd when a prune races another client's image pull
    # (moby/buildkit#2153, fixed in 0.9): bring the engine back, for everyone, and try once more.
    if ! "$docker" info >/dev/null 2>&1; then
      say "dockerd died during the prune (moby/buildkit#2153?); restarting it with scripts/engine-up.sh"
      engine_up
    fi
    quiet "$docker" builder prune -af
  fi
  local ref
  for ref in "$@"; do "$docker" rmi -f "$ref" >/dev/null 2>&1 || true; done
}
median() { # EXAMPLE SCENARIO TOOL [FILE]: median of the recorded values, empty when none
  awk -F'\t' -v e="$1" -v s="$2" -v t="$3" '$1==e && $2==s && $3==t {print $5}' "${4:-$results}" | sort -n |
    awk '{v[NR]=$1} END {if (NR) print (NR%2 ? v[(NR+1)/2] : int((v[NR/2]+v[NR/2+1])/2))}'
}

# Which tool goes first in run N: they take turns, so a change in the load favours neither.
order() { if [ $(($1 % 2)) = 1 ]; then echo kiln docker; else echo docker kiln; fi; }

kiln() { "$kiln_bin" "$@"; }
timed_kiln() { KILN_TIMINGS=1 "$kiln_bin" "$@"; }
bk_prune() { quiet "$kiln_bin" engine prune --all --engine "$bk"; }
# bench_bk EXAMPLE RUN REF KILN-ARGS...: the standalone buildkitd's cold run and registry-cache run
bench_bk() {
  local ex=$1 i=$2 ref=$3; shift 3
  [ -n "$bk" ] || return 0
  bk_prune
  measure "$ex" cold-bk kiln "$i" kiln "$@" --engine "$bk"
  quiet kiln "$@" --engine "$bk" --cache-to "type=registry,ref=$ref,mode=max"
  bk_prune
  measure "$ex" registry-bk kiln "$i" kiln "$@" --engine "$bk" --cache-from "type=registry,ref=$ref"
}

# --- java-maven --------------------------------------------------------------------------------
jm_kiln=(run -f examples/java-maven/pipeline.pkl --progress plain)
jm_df=(-f bench/dockerfiles/java-maven/Dockerfile --progress plain)
jm_ctx=examples/java-maven
jm_kiln_ref=$registry/bench/kiln-java-maven:latest
jm_docker_ref=$registry/bench/docker-java-maven:latest

jm_kiln_package() { timed_kiln "${jm_kiln[@]}" package; }
jm_docker_package() {
  rm -rf "$tmp/out" && "$docker" build "${jm_df[@]}" --target package -o "type=local,dest=$tmp/out" "$jm_ctx"
}
jm_kiln_publish() { kiln "${jm_kiln[@]}" image -p "imageRef=$jm_kiln_ref" "$@"; }
jm_docker_publish() { # [--cache-from REF]
  "$docker" build "${jm_df[@]}" --target test -t "$jm_docker_ref-test" "$@" "$jm_ctx" &&
    "$docker" build "${jm_df[@]}" --target image --build-arg BUILDKIT_INLINE_CACHE=1 -t "$jm_docker_ref" "$@" "$jm_ctx" &&
    "$docker" push "$jm_docker_ref"
}
change_java() { restore; printf '// cache-bench: %s\n' "$1" >>"$java_file"; }

bench_java_maven() {
  local i tool
  for i in $(seq "$runs"); do
    say "java-maven run $i/$runs; load: $(uptime | sed 's/.*load average: //')"
    for tool in $(order "$i"); do
      prune
      measure java-maven cold $tool "$i" jm_${tool}_package
      measure java-maven cached $tool "$i" jm_${tool}_package
      change_java "$tool-$i-$$-$RANDOM"
      measure java-maven one-file $tool "$i" jm_${tool}_package
      restore
    done
    # registry cache: publish with inline cache on the warm engine, prune, build from the registry
    quiet jm_kiln_publish --cache-to type=inline
    quiet jm_docker_publish
    prune "$jm_kiln_ref" "$jm_docker_ref" "$jm_docker_ref-test"
    measure java-maven registry kiln "$i" jm_kiln_publish --cache-from "type=registry,ref=$jm_kiln_ref"
    prune "$jm_kiln_ref" "$jm_docker_ref" "$jm_docker_ref-test"
    measure java-maven registry docker "$i" jm_docker_publish --cache-from "$jm_docker_ref"
    bench_bk java-maven "$i" "$registry/bench/kiln-java-maven-cache:bk" "${jm_kiln[@]}" package
  done
}

# --- fan-out -----------------------------------------------------------------------------------
fo_df=(-f bench/dockerfiles/fan-out/Dockerfile --progress plain)
fo_ctx=bench/dockerfiles/fan-out
fo_kiln_ref=$registry/bench/kiln-fan-out:latest
fo_docker_ref=$registry/bench/docker-fan-out:latest
# The example with a publish task, outside the repository (a pipeline may only import files under
# its own directory, so the example is copied beside it).
mkdir -p "$tmp/fan-out"
cp examples/fan-out/pipeline.pkl "$tmp/fan-out/fan-out.pkl"
cat >"$tmp/fan-out/pipeline.pkl" <<EOF
amends "fan-out.pkl"
tasks {
  ["image"] { dependsOn { "join" }; publish = tasks["join"].run; ref = "$fo_kiln_ref" }
}
EOF

fo_kiln_package() { timed_kiln run -f examples/fan-out/pipeline.pkl --progress plain; }
fo_docker_package() {
  rm -rf "$tmp/out" && "$docker" build "${fo_df[@]}" --target package -o "type=local,dest=$tmp/out" "$fo_ctx"
}
fo_kiln_publish() { kiln run -f "$tmp/fan-out/pipeline.pkl" --progress plain "$@"; }
fo_docker_publish() {
  "$docker" build "${fo_df[@]}" --target join --build-arg BUILDKIT_INLINE_CACHE=1 -t "$fo_docker_ref" "$@" "$fo_ctx" &&
    "$docker" push "$fo_docker_ref"
}

bench_fan_out() {
  local i tool
  for i in $(seq "$runs"); do
    say "fan-out run $i/$runs; load: $(uptime | sed 's/.*load average: //')"
    for tool in $(order "$i"); do
      prune
      measure fan-out cold $tool "$i" fo_${tool}_package
      measure fan-out cached $tool "$i" fo_${tool}_package
    done
    quiet fo_kiln_publish --cache-to type=inline
    quiet fo_docker_publish
    prune "$fo_kiln_ref" "$fo_docker_ref"
    measure fan-out registry kiln "$i" fo_kiln_publish --cache-from "type=registry,ref=$fo_kiln_ref"
    prune "$fo_kiln_ref" "$fo_docker_ref"
    measure fan-out registry docker "$i" fo_docker_publish --cache-from "$fo_docker_ref"
    bench_bk fan-out "$i" "$registry/bench/kiln-fan-out-cache:bk" run -f examples/fan-out/pipeline.pkl --progress plain
  done
}

# --- Kiln's phases on the cached runs (from KILN_TIMINGS) ----------------------------------------
phase_medians() { # EXAMPLE: "phase median-ms" lines over the cached runs
  local f
  for f in "$logs/$1"-cached-kiln-*.log; do
    sed -n 's/^ *[0-9.]* kiln: timing: \(.*\) \([0-9]*\) ms$/\1\t\2/p' "$f"
  done | awk -F'\t' '{v[$1]=v[$1] " " $2; if (!($1 in o)) {o[$1]=++n; k[n]=$1}}
    END {for (i=1; i<=n; i++) print k[i] "\t" v[k[i]]}' |
    while IFS=$'\t' read -r phase values; do
      printf '%s\t%s\n' "$phase" "$(printf '%s\n' $values | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
    done
}

# --- run ---------------------------------------------------------------------------------------
say "cache-bench: $runs run(s) per scenario; docker CLI $docker; logs in $logs"
say "engine: $("$docker" version --format 'Docker {{.Server.Version}}'), $(nproc) cores; load: $(uptime | sed 's/.*load average: //')"
for e in "${examples[@]}"; do
  case $e in java-maven) bench_java_maven ;; fan-out) bench_fan_out ;; esac
done

# --- report ------------------------------------------------------------------------------------
rest() { # EXAMPLE SCENARIO TOOL: median over the runs of wall minus exec steps
  join -t $'\t' <(awk -F'\t' -v e="$1" -v s="$2" -v t="$3" '$1==e && $2==s && $3==t {print $4 "\t" $5}' "$results" | sort) \
    <(awk -F'\t' -v e="$1" -v s="$2" -v t="$3" '$1==e && $2==s && $3==t {print $4 "\t" $5}' "$steps" | sort) |
    awk -F'\t' '{print $2 - $3}' | sort -n | awk '{v[NR]=$1} END {if (NR) print (NR%2 ? v[(NR+1)/2] : int((v[NR/2]+v[NR/2+1])/2))}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b}'; }
sec() { awk -v a="$1" 'BEGIN {if (a == "") print "-"; else printf "%.2f s", a / 1000}'; }
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {if (v == "-" || v == "") print "-";
  else if ((op == "<=" && v + 0 <= t + 0) || (op == "<" && v + 0 < t + 0) || (op == ">=" && v + 0 >= t + 0)) print "PASS"; else print "FAIL"}'; }

fails=0
{
  echo
  echo "load at the end: $(uptime | sed 's/.*load average: //') ($(nproc) cores); medians of $runs run(s); logs: $logs"
  printf '%-11s %-10s %11s %11s %8s  %s\n' example scenario kiln docker kiln/dkr target
  for e in "${examples[@]}"; do
    for sc in cold cached one-file registry $([ -n "$bk" ] && echo cold-bk registry-bk); do
      k=$(median "$e" $sc kiln); d=$(median "$e" $sc docker)
      r=$(ratio "$k" "$d"); t=""
      case $sc in
        cold|one-file) t="<= 1.0x docker: $(verdict "$r" '<=' 1.0)" ;;
        cold-bk) t="standalone buildkitd ($bk), Kiln only" ;;
        registry-bk)
          ck=$(median "$e" cold-bk kiln)
          sk=$(ratio "$ck" "$k")
          t="cold-bk/registry-bk kiln ${sk}x, >= 5x: $(verdict "$sk" '>=' 5)" ;;
        registry)
          ck=$(median "$e" cold kiln); cd=$(median "$e" cold docker)
          sk=$(ratio "$ck" "$k"); sd=$(ratio "$cd" "$d")
          t="cold/registry kiln ${sk}x (docker ${sd}x), >= 5x: $(verdict "$sk" '>=' 5)" ;;
      esac
      if [ -z "$k$d" ]; then printf '%-11s %-10s %11s %11s %8s  %s\n' "$e" "$sc" n/a n/a - "(not measured: see the header)"; continue; fi
      printf '%-11s %-10s %11s %11s %8s  %s\n' "$e" "$sc" "$(sec "$k")" "$(sec "$d")" "$r" "$t"
      # The same runs split: the engine's exec steps, and everything else (the tool, transfers, exports).
      ks=$(median "$e" $sc kiln "$steps"); ds=$(median "$e" $sc docker "$steps")
      printf '%-11s %-10s %11s %11s %8s  %s\n' "" "  steps" "$(sec "$ks")" "$(sec "$ds")" "" "the engine running commands (exec steps, overlaps once)"
      printf '%-11s %-10s %11s %11s %8s  %s\n' "" "  rest" "$(sec "$(rest "$e" $sc kiln)")" "$(sec "$(rest "$e" $sc docker)")" "" "wall minus steps, per run"
      case $t in *FAIL*) fails=$((fails + 1)) ;; esac
    done
    # Kiln's overhead on the cached run: everything but the solve ("run" phase).
    phases=$(phase_medians "$e")
    solve=$(printf '%s\n' "$phases" | awk -F'\t' '$1=="run" {print $2}')
    wall=$(median "$e" cached kiln)
    over=$([ -n "$solve" ] && [ -n "$wall" ] && echo $((wall - solve)) || echo "")
    v=$(verdict "$over" '<' 300)
    printf '%-11s %-10s %11s %11s %8s  %s\n' "$e" overhead "$(sec "$over")" - - "< 0.30 s: $v"
    [ "$v" = FAIL ] && fails=$((fails + 1))
    printf '%-11s %-10s   %s\n' "" "" "cached kiln phases (medians, ms): $(printf '%s\n' "$phases" | awk -F'\t' '{printf "%s%s %s", sep, $1, $2; sep=", "}'); launcher+JVM exit: $(
      printf '%s\n' "$phases" | awk -F'\t' -v w="$wall" '{s+=$2} END {print w - s}')"
  done
} >"$logs/table.txt"
cat "$logs/table.txt"

if [ -n "$(git status --porcelain)" ]; then say "warning: the work tree is not clean:"; git status --short >&2; fi
[ "$fails" -eq 0 ]
