#!/usr/bin/env bash
# Load test of kiln serve's webhook endpoint, loopback only and bounded: RATE signed GitHub pushes per
# second for SECONDS (default 200/s for 30 s), then BAD deliveries with a wrong signature (default
# 1000). The pushes go to a branch no trigger matches, so each run is checked out, evaluated and
# skipped without the engine: what is measured is the webhook path and the queue. Prints the
# latency to 202 (p50/p99), then checks the history: one run per delivery, none twice, and no run
# for a bad signature.
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-200} SECONDS_=${SECONDS_:-30} BAD=${BAD:-1000} PORT=${PORT:-18181}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/repo" && cp -r examples/triggers/. "$work/repo/"
git -C "$work/repo" init -q -b main && git -C "$work/repo" add . \
  && git -C "$work/repo" -c user.email=b@kiln -c user.name=bench commit -qm bench
commit=$(git -C "$work/repo" rev-parse HEAD)
echo "load-secret" > "$work/secret"
(cd "$work" && KILN_SERVER_TOKEN=bench-token-0123456789 exec "$OLDPWD/kiln" serve --repo "$work/repo" \
  --listen 127.0.0.1:$PORT --github-secret-file "$work/secret" --concurrency 2) > "$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.3; done
rss() { ps -o rss= -p "$(pgrep -P "$pid" java || echo "$pid")" 2>/dev/null | tail -1; }
echo "server RSS before: $(rss) KiB"
java bench/ServeLoad.java http://127.0.0.1:$PORT/ load-secret "$commit" "$RATE" "$SECONDS_" "$BAD"
echo "server RSS after: $(rss) KiB"
curl -s -H "Authorization: Bearer bench-token-0123456789" "http://127.0.0.1:$PORT/api/runs?limit=99999" > "$work/runs.json"
python3 - "$work/runs.json" "$((RATE * SECONDS_))" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1])); want = int(sys.argv[2])
deliveries = [r["delivery"] for r in runs]
print(f"history: {len(runs)} runs for {want} signed deliveries; distinct deliveries {len(set(deliveries))};"
      f" queued still {sum(r['status'] == 'queued' for r in runs)}")
sys.exit(0 if len(runs) == want and len(set(deliveries)) == want else 1)
PY
