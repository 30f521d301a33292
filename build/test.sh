#!/usr/bin/env bash
# The whole test suite: type checks; unit and integration tests; then the
# end-to-end tests (the built renderer in Chromium). Everything runs inside a
# private D-Bus session with an unlocked gnome-keyring, so the tests use the
# real OS keychain without touching the developer's own.
# Prints a closing "N passed, N failed" line that CI reads.
set -uo pipefail
cd "$(dirname "$0")/.."
export KUBECACHEDIR="${KUBECACHEDIR:-$(mktemp -d)}"
# A kubectl unpacked by build/fetch-kubectl.sh, on machines that had none.
[ -d .tools/bin ] && export PATH="$PWD/.tools/bin:$PATH"
mkdir -p test-results
rm -f test-results/vitest.json test-results/vitest-e2e.json

fail() { echo "$1"; echo "0 passed, 1 failed"; exit 1; }

npx tsc -b || fail "type check failed"
npm run --silent build:renderer >/dev/null || fail "renderer build failed"

status=0
runs_failed=0
reports=(test-results/vitest.json)
bash build/with-keychain.sh npx vitest run "$@" || { status=1; runs_failed=$((runs_failed + 1)); }
# With arguments (a subset of tests) the end-to-end suite is left out.
if [ "$#" -eq 0 ]; then
  reports+=(test-results/vitest-e2e.json)
  bash build/with-keychain.sh npx vitest run --config test/e2e/vitest.config.ts || { status=1; runs_failed=$((runs_failed + 1)); }
fi
RUNS_FAILED=$runs_failed node build/summarize-tests.mjs "${reports[@]}" || status=1
exit $status
