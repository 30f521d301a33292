#!/usr/bin/env bash
# The whole test suite: type checks, then unit and integration tests (vitest).
# Prints a closing "N passed, N failed" line that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."
export KUBECACHEDIR="${KUBECACHEDIR:-$(mktemp -d)}"

npx tsc -b || { echo "type check failed"; echo "0 passed, 1 failed"; exit 1; }
npx vitest run "$@"
status=$?
node build/summarize-tests.mjs test-results/vitest.json || status=1
exit $status
