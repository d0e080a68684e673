#!/usr/bin/env bash
# Builds the solution once, then runs each test assembly in turn (2 cores: never two at once), and ends
# with one summary line of passed and failed tests.
set -uo pipefail
cd "$(dirname "$0")/.."

dotnet build EeFunctions.sln -nologo -v q -clp:ErrorsOnly || exit 1

passed=0; failed=0; skipped=0; status=0
for project in tests/*.Tests/*.csproj; do
  name=$(basename "$project" .csproj)
  echo "=== $name"
  log=$(mktemp)
  dotnet test "$project" --no-build -nologo 2>&1 | tee "$log"
  result=${PIPESTATUS[0]}
  [ "$result" -eq 0 ] || status=1
  line=$(grep -E '(Passed|Failed)!' "$log" | tail -n 1)
  p=$(sed -nE 's/.*Passed: *([0-9]+).*/\1/p' <<<"$line"); f=$(sed -nE 's/.*Failed: *([0-9]+).*/\1/p' <<<"$line"); s=$(sed -nE 's/.*Skipped: *([0-9]+).*/\1/p' <<<"$line")
  if [ -z "$line" ] && [ "$result" -ne 0 ]; then f=1; fi
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
  rm -f "$log"
done
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
