#!/usr/bin/env bash
# The CI steps: receive the spans while the app's tests run, then gate on what they show.
# Reports (JUnit, for the CI's test view; HTML, one page each with the failing traces drawn, to
# open from a failed job) go to $REPORTS; the exit code is the verdict.
#   OTLP_PORT   where otrace receive takes OTLP/gRPC (default 4317, as a Collector)
#   REPORTS     the report folder (default otrace-reports)
#   BASELINE    the traces of a run of the main branch, for the regression gate (the workflow
#               restores the main branch's last run; where there is none, examples/ci/baseline.otlp.jsonl)
set -u
cd "$(dirname "$0")/../.."
REPORTS=${REPORTS:-otrace-reports}
OTLP_PORT=${OTLP_PORT:-4317}
otrace() { node bin/otrace.js "$@"; }
mkdir -p "$REPORTS"

# 1. otrace stands in for the Collector. Started as node itself (a shell function put in the
#    background would be a subshell, and stopping it would leave node running); stopped however
#    the script ends.
node bin/otrace.js receive --grpc "$OTLP_PORT" --http off --out "$REPORTS/traces.jsonl" > "$REPORTS/receive.log" 2>&1 &
receiver=$!
trap 'kill -TERM "$receiver" 2>/dev/null' EXIT
# Wait until it listens (at most a minute): the tests' spans must not go to a closed port.
for _ in $(seq 1 600); do
  grep -q 'receiving' "$REPORTS/receive.log" && break
  if ! kill -0 "$receiver" 2>/dev/null; then cat "$REPORTS/receive.log" >&2; exit 2; fi
  sleep 0.1
done
if ! grep -q 'receiving' "$REPORTS/receive.log"; then echo 'otrace receive did not start listening' >&2; exit 2; fi

# 2. The app's tests, exporting their spans to it. The services flush their exporters as they stop,
#    so once the tests are done every span has been acknowledged; SIGTERM then stops the receiver,
#    which writes out what it holds.
OTLP_GRPC="http://127.0.0.1:$OTLP_PORT" node examples/ci/app-tests.mjs
kill -TERM "$receiver"
wait "$receiver"

# 3. The gates. Each writes JUnit and an HTML report; GitHub annotations go to stdout when run by
#    GitHub Actions.
format=text
if [ -n "${GITHUB_ACTIONS:-}" ]; then format=github; fi
verdict=0
otrace check-propagation "$REPORTS/traces.jsonl" --format "$format" --output "junit=$REPORTS/propagation.xml" --output "$REPORTS/propagation.html" || verdict=1
otrace errors "$REPORTS/traces.jsonl" --service user-service --fail-on origin --format "$format" --output "junit=$REPORTS/errors.xml" --output "$REPORTS/errors.html" || verdict=1
otrace assert "$REPORTS/traces.jsonl" --rules examples/ci/otrace.rules.yaml --format "$format" --output "junit=$REPORTS/assert.xml" --output "$REPORTS/assert.html" || verdict=1

# 4. The regression gate: this run against the baseline, operation by operation. A change fails
#    it only when it is beyond the noise at 99% confidence (with a handful of requests per
#    operation, nothing can be: it passes); the Markdown report is the pull request's comment.
# The main branch's last run where the workflow restored one, else the stored example.
if [ ! -f "${BASELINE:-}" ]; then BASELINE=examples/ci/baseline.otlp.jsonl; fi
if [ -f "$BASELINE" ]; then
  otrace compare --baseline "$BASELINE" "$REPORTS/traces.jsonl" --fail-on regression --format "$format" --output "junit=$REPORTS/compare.xml" --output "$REPORTS/compare.md" --output "$REPORTS/compare.html" || verdict=1
fi
exit "$verdict"
