#!/usr/bin/env bash
# Set everything up and run the whole suite: unit + integration (SQLite and PostgreSQL),
# then the browser tests in their own pytest run (they start the real app; see DESIGN.md).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash scripts/setup.sh --with-browser || exit 1

status=0
run() {
  echo "==> pytest $*"
  python -m pytest "$@"
  local code=$?
  # 5 = no tests collected in that group: not a failure of the suite.
  if [ $code -ne 0 ] && [ $code -ne 5 ]; then status=$code; fi
}
run tests/unit tests/integration
run tests/e2e --ignore=tests/e2e/cluster --ignore=tests/e2e/mail
# The scale-out setup (PostgreSQL + Redis + 3 workers) and the app with an SMTP server build the
# app again: each in its own invocation.
run tests/e2e/cluster
run tests/e2e/mail
exit $status
