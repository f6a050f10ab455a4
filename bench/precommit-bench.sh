#!/usr/bin/env bash
# The pre-commit hook against a bare `kiln validate`, on an unchanged pipeline: a temporary git
# repository with examples/hello/pipeline.pkl committed and the README's `.pre-commit-config.yaml`
# (`repo: local`, `language: system`, `entry: kiln validate`), the hook run as
# `pre-commit run kiln-validate --files pipeline.pkl`. BENCH_RUNS runs of each (default 10),
# interleaved, after one warm-up of each (which trains the start-up archive if needed); prints
# each command's runs and median, and the hook's median over the bare one.
# KILN: the kiln to use (default: the distribution ./kiln builds, cli/target/bin/kiln), put on the
# hook's PATH as `kiln`. Needs pre-commit (Debian: apt-get install pre-commit) and git.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${BENCH_RUNS:-10}
./kiln --version >/dev/null   # builds Kiln when its sources changed: not measured
kiln=$(readlink -f "${KILN:-cli/target/bin/kiln}")

repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
mkdir "$repo/bin" "$repo/project"
ln -s "$kiln" "$repo/bin/kiln"
export PATH="$repo/bin:$PATH"
cp examples/hello/pipeline.pkl "$repo/project/"
cd "$repo/project"
cat >.pre-commit-config.yaml <<'EOF'
repos:
  - repo: local
    hooks:
      - id: kiln-validate
        name: kiln validate
        entry: kiln validate
        language: system
        files: (^|/)pipeline\.pkl$
EOF
git init -q . && git add -A && git -c user.name=bench -c user.email=bench@example.com commit -qm pipeline

hook=(pre-commit run kiln-validate --files pipeline.pkl)
bare=(kiln validate pipeline.pkl)
"${hook[@]}" >/dev/null && "${bare[@]}" >/dev/null   # warm-up: archive, evaluation cache, pre-commit's own
ms() { local start end; start=$(date +%s%N); "$@" >/dev/null; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); }
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
h=() b=()
for _ in $(seq "$runs"); do
  h+=("$(ms "${hook[@]}")")
  b+=("$(ms "${bare[@]}")")
done
hm=$(median "${h[@]}") bm=$(median "${b[@]}")
echo "pre-commit hook:        runs ${h[*]} ms; median $hm ms"
echo "kiln validate (bare):   runs ${b[*]} ms; median $bm ms"
awk -v h="$hm" -v b="$bm" 'BEGIN { printf "hook / bare: %.2f (the hook adds %d ms)\n", h / b, h - b }'
