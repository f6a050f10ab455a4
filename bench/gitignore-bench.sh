#!/usr/bin/env bash
# Lists a generated 10,000-file tree the way the file sender does, side by side: as main did (the top
# .gitignore as Docker patterns, nested .gitignore files unread), with git's rules read in the walk
# (nested files included), and git's own listing of the same tree (a process per run).
# Usage: bench/gitignore-bench.sh [FILES] [RUNS]      (builds the executor's test classes first)
set -euo pipefail
cd "$(dirname "$0")/.."

cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
# One reactor build, so sibling modules resolve to their target/classes (never `mvn install`).
if ! build_log="$(mvn -q -B -o -pl executor -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test 2>&1)"; then
  echo "$build_log" >&2
  exit 1
fi
classpath="executor/target/test-classes:executor/target/classes:$(cat "$cp_file")"
files="${1:-10000}"
# Cold: each listing in a fresh JVM, as a `kiln run` meets it (JIT and classes cold; page cache warm).
for variant in 0 1 2 3; do
  java -XX:+UseSerialGC -cp "$classpath" dev.kiln.executor.filesync.GitignoreBench "$files" 1 "$variant"
done
java -XX:+UseSerialGC -cp "$classpath" dev.kiln.executor.filesync.GitignoreBench "$files" "${2:-15}"
