#!/usr/bin/env bash
# Stops what start.sh started, by the PIDs it wrote (RUN_DIR/pids): TERM, then KILL after 10 s.
# Usage: stop.sh RUN_DIR
set -uo pipefail
pids="$1/pids"
[[ -f "$pids" ]] || exit 0
tac "$pids" | while read -r name pid; do
  [[ -n "$pid" ]] || continue
  kill -0 "$pid" 2>/dev/null || continue
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null; echo "conformance: killed $name ($pid)"; fi
done
: >"$pids"
