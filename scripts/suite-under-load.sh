#!/usr/bin/env bash
# The whole suite, run several times in a row while busy loops keep every core loaded: the
# proof that no test depends on wall-clock speed (not in CI: it takes RUNS times the suite).
#
#   bash scripts/suite-under-load.sh [RUNS=5]      (or npm run test:under-load)
#
# One `node -e 'for(;;);'` per core runs at the lowest priority (nice 19): it takes every cycle
# the suite leaves idle, so the tests never see a quiet machine. Each run prints its outcome,
# its time and the load average; the script exits non-zero if any run failed.
set -uo pipefail
cd "$(dirname "$0")/.."

runs="${1:-5}"
cores="$(nproc)"
burners=()
stop_burners() { for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null; done; }
trap stop_burners EXIT
for _ in $(seq 1 "$cores"); do
  nice -n 19 node -e 'for (;;);' &
  burners+=("$!")
done

npm run build --silent || exit 1
failed=0
for run in $(seq 1 "$runs"); do
  started="$(date +%s)"
  if npx vitest run >"suite-under-load-$run.log" 2>&1; then outcome=passed; else
    outcome=FAILED
    failed=$((failed + 1))
  fi
  summary="$(sed 's/\x1b\[[0-9;]*m//g' "suite-under-load-$run.log" | grep -E '^ +Tests ' | tail -1 | sed 's/^ *//')"
  echo "run $run/$runs: $outcome in $(($(date +%s) - started)) s; $summary; load $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "$((runs - failed)) of $runs runs passed with $cores busy loops"
[ "$failed" -eq 0 ]
