#!/usr/bin/env bash
# The dashboard under load, in a real browser: starts redis-server and the service (Release build) on free loopback
# ports with one tenant and team, then runs the measurement (200 calls at one chunk a second for 60 s by default;
# extra arguments go to the tool, e.g. --calls 200 --duration 60).
# Usage: benchmarks/AbuseDetector.DashboardLatency/run.sh [tool arguments]
set -euo pipefail
root="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
out="$(mktemp -d /tmp/abuse-detector-dashboard.XXXXXX)"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
grpc_port=$(port) http_port=$(port) redis_port=$(port)
key=dashboard-bench-api-key-0000 token=dashboard-bench-supervisor-token

dotnet build "$root/src/AbuseDetector.Service" -c Release -v quiet -nologo >/dev/null
dotnet build "$root/benchmarks/AbuseDetector.DashboardLatency" -c Release -v quiet -nologo >/dev/null
redis-server --port "$redis_port" --save '' --appendonly no --daemonize yes --pidfile "$out/redis.pid" --logfile "$out/redis.log"
trap 'kill -TERM ${service_pid:-0} 2>/dev/null || true; redis-cli -p '"$redis_port"' shutdown nosave >/dev/null 2>&1 || true' EXIT
dotnet "$root/src/AbuseDetector.Service/bin/Release/net10.0/AbuseDetector.Service.dll" --grpc-port "$grpc_port" --http-port "$http_port" \
  --redis "127.0.0.1:$redis_port" --AbuseDetector:DataPath="$out/data" \
  --AbuseDetector:Tenants:0:TenantId=bench --AbuseDetector:Tenants:0:ApiKeys:0=$key \
  --AbuseDetector:Tenants:0:Teams:0:TeamId=floor --AbuseDetector:Tenants:0:Teams:0:SupervisorTokens:0=$token \
  > "$out/service.log" 2>&1 &
service_pid=$!
until curl -sf "http://127.0.0.1:$http_port/alive" >/dev/null; do sleep 0.2; done
cd "$root"
dotnet benchmarks/AbuseDetector.DashboardLatency/bin/Release/net10.0/AbuseDetector.DashboardLatency.dll \
  --grpc "http://127.0.0.1:$grpc_port" --http "http://127.0.0.1:$http_port" --api-key $key --tenant bench --team floor --token $token "$@"
