#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need, builds, runs every test project,
# and ends with one "N passed, N failed" line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The gRPC transport's interop tests drive the server from python3-grpcio (Debian's /usr/bin/python3).
if ! /usr/bin/python3 -c 'import grpc' 2>/dev/null; then apt-get update -qq && apt-get install -y -qq python3-grpcio; fi
# protoc needs the well-known types (google/protobuf/timestamp.proto) from libprotobuf-dev.
if ! command -v protoc >/dev/null || ! /usr/bin/python3 -c 'import google.protobuf' 2>/dev/null || [ ! -f /usr/include/google/protobuf/timestamp.proto ]; then
  apt-get update -qq && apt-get install -y -qq protobuf-compiler python3-protobuf libprotobuf-dev
fi

# The scale-out tests put Debian's nginx (grpc_pass) in front of service instances; RUNLEVEL=1 keeps the package from
# starting its own server on port 80.
if [ ! -x /usr/sbin/nginx ]; then apt-get update -qq && RUNLEVEL=1 apt-get install -y -qq nginx; fi

# The alert, incident and end-to-end tests start their own redis-server on a free loopback port; the scale-out tests
# also run redis-sentinel.
if ! command -v redis-server >/dev/null || ! command -v redis-sentinel >/dev/null; then
  apt-get update -qq && apt-get install -y -qq redis-server redis-sentinel
fi

# The Node interop tests drive the service from @grpc/grpc-js; its packages are pinned by package-lock.json.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then apt-get update -qq && apt-get install -y -qq nodejs npm; fi
(cd tests/AbuseDetector.Service.Tests/interop/node && npm ci --no-audit --no-fund --loglevel=error)

# The browser tests drive Debian's chromium through Playwright (no browser download), and check each page with axe-core,
# pinned by package-lock.json.
if [ ! -x /usr/bin/chromium ]; then apt-get update -qq && apt-get install -y -qq chromium; fi
(cd tests/AbuseDetector.Web.Tests/axe && npm ci --no-audit --no-fund --loglevel=error)

dotnet restore AbuseDetector.sln
dotnet build AbuseDetector.sln -c Release --no-restore

log="$(mktemp)"
set +e
dotnet test AbuseDetector.sln -c Release --no-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{sum += $2} END {print sum + 0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{sum += $2} END {print sum + 0}')
rm -f "$log"
echo "${passed} passed, ${failed} failed"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "No test ran." >&2
  exit 1
fi
exit "$status"
