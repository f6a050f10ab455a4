#!/usr/bin/env bash
# Kiln against `docker build` on real Maven projects, side by side in one run: for each project, a
# pipeline written with the standard library as a user would (std/maven: `test`, and `package`
# exporting the jar) and the equivalent Dockerfile (the same steps: the JDK, Maven 3.9, the
# sources, one `test-compile` stage, `test` and `package` from it, the local repository in a cache
# mount shared under Maven's file locks), each tool in its own copy of the tree so that neither
# reuses the other's steps. The projects' code is never part of Kiln: pass a path, or fetch one.
#
# Scenarios, each BENCH_RUNS times (default 3), the tools taking turns; medians of the wall clock
# (process start to exit):
#   cold       a new file at the tree's root (a nonce), so the sources' copy and every Maven step run
#              again; the toolchain and Maven's local repository stay warm. With BENCH_PRUNE=1 the
#              engine's whole build cache is pruned first instead (a machine of one's own only: it
#              throws away everyone's cache).
#   cached     the same again, unchanged.
#   one-file   a comment appended to one main source file (a new one each run).
#   test-file  a comment appended to one test source file.
# Phases, from the plain progress of each run (medians): context (sending the sources to the
# engine), exec (the engine running commands; parallel steps count once), export (files to the
# client), and the rest (the tool itself: start-up, evaluation, planning, sessions, waiting).
#
# Usage: bench/real-project.sh PATH...                  (a Maven project: PATH/pom.xml)
#        bench/real-project.sh --fetch G:A:V DIR        (a tree from Maven Central's -sources.jar,
#                                                        -test-sources.jar and .pom, into DIR)
#        env: BENCH_RUNS=3 BENCH_DOCKER=/usr/bin/docker BENCH_LOG_DIR=DIR BENCH_KILN=PATH BENCH_PRUNE=1
#             BENCH_WARMUP=1 (a first, unmeasured build with each tool, online; 0: none)
#             BENCH_OFFLINE=1 (the measured runs run Maven offline, -o; 0: online)
#             DOCKER_HOST (both tools use the engine it names, say bench/second-dockerd.sh's)
#             BENCH_MVN_PROPS="k=v ..." (system properties of every Maven run, both tools; the
#             default skips release checks and lets failing tests pass: a fetched tree has no test
#             resources; and a download that stalls fails after 60 s and is retried, instead of
#             Maven's 30 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
say() { printf '%s\n' "$*" >&2; }

if [ "${1:-}" = --fetch ]; then
  [ $# = 3 ] || { say "usage: bench/real-project.sh --fetch GROUP:ARTIFACT:VERSION DIR"; exit 2; }
  IFS=: read -r g a v <<<"$2"
  base="${BENCH_MAVEN_REPO:-https://repo.maven.apache.org/maven2}/${g//.//}/$a/$v/$a-$v"
  mkdir -p "$3/src/main/java" "$3/src/test/java"
  curl -fsSL -o "$3/pom.xml" "$base.pom"
  tmpjar=$(mktemp)
  curl -fsSL -o "$tmpjar" "$base-sources.jar" && unzip -q -o "$tmpjar" -d "$3/src/main/java" -x 'META-INF/*'
  curl -fsSL -o "$tmpjar" "$base-test-sources.jar" && unzip -q -o "$tmpjar" -d "$3/src/test/java" -x 'META-INF/*'
  rm -f "$tmpjar"
  say "$2 in $3: $(find "$3" -type f | wc -l) files"
  exit 0
fi
[ $# -gt 0 ] || { say "usage: bench/real-project.sh PATH... | --fetch G:A:V DIR"; exit 2; }

runs=${BENCH_RUNS:-3}
docker=${BENCH_DOCKER:-/usr/bin/docker}
export DOCKER_BUILDKIT=1
kiln_bin=${BENCH_KILN:-./kiln}
props=${BENCH_MVN_PROPS:-maven.test.failure.ignore=true rat.skip=true japicmp.skip=true jacoco.skip=true animal.sniffer.skip=true checkstyle.skip=true spotbugs.skip=true pmd.skip=true cyclonedx.skip=true moditect.skip=true spdx.skip=true aether.connector.requestTimeout=60000}
logs=${BENCH_LOG_DIR:-$(mktemp -d /tmp/real-project.XXXXXX)}
mkdir -p "$logs"
results="$logs/results.tsv"  # project, scenario, tool, run, wall ms, context ms, exec ms, export ms
: >"$results"
tmp=$(mktemp -d /tmp/real-project-work.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
load() { uptime | sed 's/.*load average: //'; }
"$kiln_bin" --version >/dev/null  # builds Kiln when needed: not measured

# --- the two builds of a project ---------------------------------------------------------------
# jar NAME of the project at DIR: artifactId-version.jar (a version inherited from the parent too)
jar_name() {
  python3 - "$1/pom.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
p = ET.parse(sys.argv[1]).getroot()
def get(e, tag):
    x = e.find("m:" + tag, ns)
    return None if x is None else x.text.strip()
v = get(p, "version") or get(p.find("m:parent", ns), "version")
print(f"{get(p, 'artifactId')}-{v}.jar")
PY
}

pipeline() { # DIR JAR
  local pkl_props="" p
  for p in $props; do pkl_props+="    [\"${p%%=*}\"] = \"${p#*=}\""$'\n'; done
  cat >"$1/pipeline.pkl" <<EOF
amends ".kiln/schema/Pipeline.pkl"
import ".kiln/schema/std/maven.pkl"

local class BenchParams extends Params {
  offline: Boolean = false
}
params = new BenchParams {}

local mvn = new maven.Maven {
  quiet = true
  offline = params.offline
  properties {
$pkl_props  }
}
local build = mvn.project(host.directory(".").excluding(List("**/target", "build", "Dockerfile")))

tasks {
  ["test"] { run = mvn.run(build, List("test")) }
  ["package"] {
    run = mvn.skippingTests().run(build, List("package"))
    exports { ["/src/target/$2"] = "build/$2" }
  }
}
EOF
}

dockerfile() { # DIR JAR: std/maven's steps (see bench/dockerfiles/java-maven/Dockerfile)
  local d="" p
  for p in $props; do d+=" -D$p"; done
  sed -n '/^FROM debian:bookworm AS jdk/,/^WORKDIR \/src/p' bench/dockerfiles/java-maven/Dockerfile >"$1/Dockerfile"
  cat >>"$1/Dockerfile" <<EOF
ARG OFFLINE

FROM build AS compiled
ARG OFFLINE
RUN --mount=type=cache,target=/root/.m2,sharing=shared mvn -B -q\${OFFLINE:+ -o}$d test-compile

FROM compiled AS test
ARG OFFLINE
RUN --mount=type=cache,target=/root/.m2,sharing=shared mvn -B -q\${OFFLINE:+ -o}$d test

FROM compiled AS packaged
ARG OFFLINE
RUN --mount=type=cache,target=/root/.m2,sharing=shared mvn -B -q\${OFFLINE:+ -o} -DskipTests$d package

FROM scratch AS all
COPY --from=test /src/pom.xml /tested
COPY --from=packaged /src/target/$2 /$2
EOF
  printf '%s\n' '**/target' build pipeline.pkl .kiln Dockerfile >"$1/.dockerignore"
}

# offline: Maven's -o in the measured runs (BENCH_OFFLINE=1, the default), once the warm-up filled
# the local repository: a download through a loaded proxy stalls or fails now and then, which is
# no part of either tool.
offline=${BENCH_OFFLINE:-1}
kiln_build() {
  KILN_TIMINGS=1 "$kiln_bin" run -f "$1/pipeline.pkl" --progress plain $([ "$offline" = 1 ] && echo "--param offline=true")
}
docker_build() {
  rm -rf "$1/out" && "$docker" build --progress plain --target all $([ "$offline" = 1 ] && echo "--build-arg OFFLINE=1") \
    -o "type=local,dest=$1/out" "$1"
}

# --- measuring ---------------------------------------------------------------------------------
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
stamp() { perl -MTime::HiRes=time -ne 'BEGIN { $| = 1; $s = time } printf "%7.3f %s", time - $s, $_'; }
# phases TOOL LOG: "context exec export" ms, each the union of its steps' spans (from DONE lines:
# a step ended at the line's time stamp and lasted what the engine reported).
phases() {
  perl -ne '
    BEGIN { $tool = shift @ARGV }
    my ($at) = /^\s*([\d.]+) /;
    my ($kind, $d);
    if ($tool eq "kiln") {
      next unless /\] #\d+ DONE ([\d.]+)s (.*)$/;
      ($d, my $name) = ($1, $2);
      $kind = $name =~ /^host / ? "context" : $name =~ /^(export|exporting)/ ? "export"
        : $name =~ /^(docker-image:|copy |local:|importing)/ ? "" : "exec";
    } else {
      $name{$1} = $2 if /^\s*[\d.]+ #(\d+) (.*)$/ && !exists $name{$1};
      next unless /#(\d+) DONE ([\d.]+)s/;
      ($d, my $name) = ($2, $name{$1} // "");
      $kind = $name =~ /load build context/ ? "context" : $name =~ /exporting/ ? "export"
        : $name =~ /\] RUN / ? "exec" : "";
    }
    push @{$s{$kind}}, [$at - $d, $at] if $kind;
    END {
      for my $k ("context", "exec", "export") {
        my ($t, $end) = (0, -1e9);
        for my $i (sort { $a->[0] <=> $b->[0] } @{$s{$k} // []}) {
          if ($i->[0] > $end) { $t += $i->[1] - $i->[0]; $end = $i->[1] }
          elsif ($i->[1] > $end) { $t += $i->[1] - $end; $end = $i->[1] }
        }
        printf "%d ", $t * 1000 + 0.5;
      }
      print "\n";
    }' "$1" "$2"
}
measure() { # PROJECT SCENARIO TOOL RUN DIR
  local log="$logs/$1-$2-$3-$4.log" start end
  start=$(now_ms)
  if ! ${3}_build "$5" 2>&1 | stamp >"$log"; then say "  FAILED: $1 $2 $3 #$4 (log: $log)"; tail -5 "$log" >&2; return 1; fi
  end=$(now_ms)
  read -r c e x <<<"$(phases "$3" "$log")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$((end - start))" "$c" "$e" "$x" >>"$results"
  say "  $1 $2 $3 #$4: $((end - start)) ms (context $c, exec $e, export $x)"
}
median() { # PROJECT SCENARIO TOOL COLUMN
  awk -F'\t' -v p="$1" -v s="$2" -v t="$3" -v c="$4" '$1==p && $2==s && $3==t {print $c}' "$results" | sort -n |
    awk '{v[NR]=$1} END {if (NR) print (NR%2 ? v[(NR+1)/2] : int((v[NR/2]+v[NR/2+1])/2))}'
}
append() { printf '// real-project: %s\n' "$2" >>"$1"; }

say "real-project: ${*}; $runs run(s) each; kiln $kiln_bin; logs in $logs"
say "engine: $("$docker" version --format 'Docker {{.Server.Version}}'), $(nproc) cores; load: $(load)"
names=()
for path in "$@"; do
  [ -f "$path/pom.xml" ] || { say "$path: no pom.xml"; exit 2; }
  name=$(basename "$(cd "$path" && pwd)"); names+=("$name")
  jar=$(jar_name "$path")
  main=$(cd "$path" && find src/main/java -name '*.java' | sort | head -1)
  test=$(cd "$path" && find src/test/java -name '*Test.java' | sort | head -1)
  say "$name: $(find "$path" -type f | wc -l) files; jar $jar; one-file $main; test-file $test"
  for tool in kiln docker; do
    mkdir -p "$tmp/$name-$tool" && cp -a "$path/." "$tmp/$name-$tool/"
    if [ $tool = kiln ]; then pipeline "$tmp/$name-$tool" "$jar"; else dockerfile "$tmp/$name-$tool" "$jar"; fi
  done
  # A first build of each (not measured) fills what every later build finds warm: the toolchain's
  # layers and Maven's local repository (the project's plugins and dependencies, from Central).
  # Online, tried up to three times: a download that failed is tried again the next time.
  for tool in kiln docker; do
    [ "${BENCH_WARMUP:-1}" = 1 ] || break
    for try in 1 2 3; do
      say "$name: first build with $tool, online (not measured; try $try)"
      echo "warm-$$-$RANDOM" >"$tmp/$name-$tool/bench-nonce.txt"
      offline=0 ${tool}_build "$tmp/$name-$tool" >"$logs/$name-warmup-$tool-$try.log" 2>&1 && break
      say "  FAILED (log: $logs/$name-warmup-$tool-$try.log)"
    done
  done
  for i in $(seq "$runs"); do
    say "$name run $i/$runs; load: $(load)"
    if [ $((i % 2)) = 1 ]; then tools="kiln docker"; else tools="docker kiln"; fi
    for tool in $tools; do
      dir="$tmp/$name-$tool"
      if [ "${BENCH_PRUNE:-}" = 1 ]; then "$docker" builder prune -af >/dev/null; fi
      echo "$tool-$i-$$-$RANDOM" >"$dir/bench-nonce.txt"
      measure "$name" cold $tool "$i" "$dir" &&
        measure "$name" cached $tool "$i" "$dir" &&
        append "$dir/$main" "$tool-$i-$RANDOM" && measure "$name" one-file $tool "$i" "$dir" &&
        append "$dir/$test" "$tool-$i-$RANDOM" && measure "$name" test-file $tool "$i" "$dir" || true
    done
  done
done

{
  echo
  echo "load at the end: $(load) ($(nproc) cores); medians of $runs run(s); logs: $logs"
  printf '%-16s %-9s %9s %9s %8s   %s\n' project scenario kiln docker kiln/dkr "phases kiln | docker (context, exec, export, rest)"
  for name in "${names[@]}"; do
    for sc in cold one-file test-file cached; do
      k=$(median "$name" $sc kiln 5); d=$(median "$name" $sc docker 5)
      [ -n "$k" ] && [ -n "$d" ] || { printf '%-16s %-9s   (failed: see the logs)\n' "$name" $sc; continue; }
      ph() {
        local c e x
        c=$(median "$name" $sc "$1" 6); e=$(median "$name" $sc "$1" 7); x=$(median "$name" $sc "$1" 8)
        awk -v w="$2" -v c="$c" -v e="$e" -v x="$x" 'BEGIN {printf "%.1f %.1f %.1f %.1f", c/1000, e/1000, x/1000, (w-c-e-x)/1000}'
      }
      awk -v n="$name" -v s="$sc" -v k="$k" -v d="$d" -v pk="$(ph kiln "$k")" -v pd="$(ph docker "$d")" \
        'BEGIN {printf "%-16s %-9s %7.1f s %7.1f s %7.2fx   %s | %s\n", n, s, k/1000, d/1000, k/d, pk, pd}'
    done
  done
  echo "targets: cold and one-file <= 1.00x docker build"
} | tee "$logs/table.txt"
