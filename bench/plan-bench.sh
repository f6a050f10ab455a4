#!/usr/bin/env bash
# Plans a generated pipeline (1,000 tasks by default) in a fresh JVM and prints the planning
# time and peak heap next to the targets (< 1 s, < 256 MiB).
# Usage: bench/plan-bench.sh [TASKS]      (builds the planner's test classes first)
set -euo pipefail
cd "$(dirname "$0")/.."
tasks="${1:-1000}"

cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
# One reactor build, so the planner's sibling modules resolve to their target/classes
# (never `mvn install`). The last module built, the planner, writes the classpath file last.
if ! build_log="$(mvn -q -B -o -pl planner -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test 2>&1)"; then
  echo "$build_log" >&2
  exit 1
fi
classpath="planner/target/test-classes:planner/target/classes:$(cat "$cp_file")"

# -Xmx256m makes the heap target a hard limit: going over it fails the run instead of passing quietly.
java -Xms32m -Xmx256m -XX:+UseSerialGC -cp "$classpath" dev.kiln.planner.PlanBench "$tasks"
