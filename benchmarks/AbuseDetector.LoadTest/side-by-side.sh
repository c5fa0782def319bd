#!/usr/bin/env bash
# Side by side: the service built at BASE (in a git worktree) and at the checkout's HEAD, loaded by the same load tool
# (the checkout's), back to back, ROUNDS times. Each build gets: 1,000 calls at one chunk a second after a 10 s warm-up,
# 1,000 calls at full speed, and 5,000 calls at one chunk a second (SCENARIOS picks some of 1000-realistic, 1000-max
# and 5000-realistic, comma-separated). Outputs land in OUT (printed at the end).
# Usage: benchmarks/AbuseDetector.LoadTest/side-by-side.sh BASE_COMMIT [ROUNDS] [SCENARIOS]
set -euo pipefail
base=${1:?usage: side-by-side.sh BASE_COMMIT [ROUNDS] [SCENARIOS]}
rounds=${2:-2}
scenarios=",${3:-1000-realistic,1000-max,5000-realistic},"
root="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
out="$(mktemp -d /tmp/abuse-detector-side-by-side.XXXXXX)"
grpc_port=50061 http_port=8091 redis_port=6390

git -C "$root" worktree add -f --detach "$out/base" "$base" >/dev/null
trap 'git -C "$root" worktree remove --force "$out/base" >/dev/null 2>&1 || true; redis-cli -p $redis_port shutdown nosave >/dev/null 2>&1 || true' EXIT
dotnet build "$out/base/src/AbuseDetector.Service" -c Release -v quiet -nologo >/dev/null
dotnet build "$root/src/AbuseDetector.Service" -c Release -v quiet -nologo >/dev/null
dotnet build "$root/benchmarks/AbuseDetector.LoadTest" -c Release -v quiet -nologo >/dev/null
tool="$root/benchmarks/AbuseDetector.LoadTest/bin/Release/net10.0/AbuseDetector.LoadTest.dll"

redis-server --port $redis_port --save '' --appendonly no --daemonize yes --pidfile "$out/redis.pid" --logfile "$out/redis.log"
sleep 1
redis_pid=$(cat "$out/redis.pid")

# run LABEL SERVICE_DLL MODEL WARM TOOL_ARGS...: a fresh service on an empty Redis with its own build's model (the model
# format changes with the code), a 10 s full-speed warm-up when WARM is 1, then the measured run, then SIGTERM.
run() {
  local label=$1 dll=$2 model=$3 warm=$4; shift 4
  redis-cli -p $redis_port flushall >/dev/null
  rm -rf "$out/data"
  dotnet "$dll" --grpc-port $grpc_port --http-port $http_port --redis 127.0.0.1:$redis_port --model "$model" \
    --AbuseDetector:DataPath="$out/data" > "$out/$label.service.log" 2>&1 &
  local pid=$!
  until curl -sf "http://127.0.0.1:$http_port/alive" >/dev/null; do sleep 0.2; done
  local common=(--address "http://127.0.0.1:$grpc_port" --server-pid $pid --redis 127.0.0.1:$redis_port --redis-pid $redis_pid
    --metrics "http://127.0.0.1:$http_port/metrics" --data "$root/models/data/call-domain-train.jsonl")
  if [ "$warm" = 1 ]; then
    dotnet "$tool" "${common[@]}" --streams 1000 --pace max --duration 10 > /dev/null
  fi
  dotnet "$tool" "${common[@]}" "$@" > "$out/$label.txt"
  kill -TERM $pid; wait $pid || true
}

for round in $(seq 1 "$rounds"); do
  for build in base head; do
    tree="$out/base"
    [ $build = head ] && tree="$root"
    dll="$tree/src/AbuseDetector.Service/bin/Release/net10.0/AbuseDetector.Service.dll"
    model="$tree/models/default.model"
    case $scenarios in *,1000-realistic,*) run "r$round-$build-1000-realistic" "$dll" "$model" 1 --streams 1000 --pace realistic --duration 45 --call-chunks 30 ;; esac
    case $scenarios in *,1000-max,*) run "r$round-$build-1000-max" "$dll" "$model" 0 --streams 1000 --pace max --duration 30 ;; esac
    case $scenarios in *,5000-realistic,*) run "r$round-$build-5000-realistic" "$dll" "$model" 0 --streams 5000 --pace realistic --duration 40 --call-chunks 30 ;; esac
  done
done

for file in "$out"/r*.txt; do
  echo "== $(basename "$file" .txt)"
  grep -E "^(chunks/s|latency p50|latency p99 |latency p99\.9|alert latency p50|alert latency p99 |alert latency p99\.9|server CPU|server RSS|machine CPU|call errors|server alerts )" "$file" || true
done
echo "outputs: $out"
