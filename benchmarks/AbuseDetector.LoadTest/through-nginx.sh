#!/usr/bin/env bash
# Load through nginx to two instances, as deployed: Redis, two services on it, Debian's nginx from the documented
# template (deploy/nginx/abuse-detector.conf.template), and the load tool pointed at nginx: ROUNDS times 1,000 calls at
# one chunk a second after a 10 s warm-up. The tool samples the first instance's CPU; the second's is read from /proc.
# Usage: benchmarks/AbuseDetector.LoadTest/through-nginx.sh [ROUNDS] [STREAMS]
set -euo pipefail
rounds=${1:-2}
streams=${2:-1000}
root="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
out="$(mktemp -d /tmp/abuse-detector-through-nginx.XXXXXX)"
redis_port=6391 nginx_grpc=50071 nginx_http=8101
grpc=(50072 50073) http=(8102 8103)

dotnet build "$root/src/AbuseDetector.Service" -c Release -v quiet -nologo >/dev/null
dotnet build "$root/benchmarks/AbuseDetector.LoadTest" -c Release -v quiet -nologo >/dev/null
service="$root/src/AbuseDetector.Service/bin/Release/net10.0/AbuseDetector.Service.dll"
tool="$root/benchmarks/AbuseDetector.LoadTest/bin/Release/net10.0/AbuseDetector.LoadTest.dll"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  [ -f "$out/nginx.pid" ] && kill -QUIT "$(cat "$out/nginx.pid")" 2>/dev/null || true
  redis-cli -p $redis_port shutdown nosave >/dev/null 2>&1 || true
}
trap cleanup EXIT

redis-server --port $redis_port --save '' --appendonly no --daemonize yes --pidfile "$out/redis.pid" --logfile "$out/redis.log"
sleep 1
redis_pid=$(cat "$out/redis.pid")

# Only our placeholders, as the nginx image does: nginx's own $host and the like stay. nginx opens one upstream
# connection per stream, two connections per call in all, so room for several thousand.
ABUSE_DETECTOR_GRPC_1=127.0.0.1:${grpc[0]} ABUSE_DETECTOR_GRPC_2=127.0.0.1:${grpc[1]} \
ABUSE_DETECTOR_HTTP_1=127.0.0.1:${http[0]} ABUSE_DETECTOR_HTTP_2=127.0.0.1:${http[1]} \
ABUSE_DETECTOR_GRPC_LISTEN=127.0.0.1:$nginx_grpc ABUSE_DETECTOR_HTTP_LISTEN=127.0.0.1:$nginx_http \
  envsubst "$(printf '${%s} ' ABUSE_DETECTOR_GRPC_1 ABUSE_DETECTOR_GRPC_2 ABUSE_DETECTOR_HTTP_1 ABUSE_DETECTOR_HTTP_2 ABUSE_DETECTOR_GRPC_LISTEN ABUSE_DETECTOR_HTTP_LISTEN)" \
  < "$root/deploy/nginx/abuse-detector.conf.template" > "$out/servers.conf"
mkdir -p "$out/logs"
cat > "$out/nginx.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile 16384;
pid $out/nginx.pid;
error_log $out/logs/error.log warn;
events { worker_connections 8192; }
http {
    access_log off;
    client_body_temp_path $out/body;
    proxy_temp_path $out/proxy;
    include $out/servers.conf;
}
EOF
/usr/sbin/nginx -p "$out" -c "$out/nginx.conf"

for round in $(seq 1 "$rounds"); do
  redis-cli -p $redis_port flushall >/dev/null
  pids=()
  for i in 0 1; do
    rm -rf "$out/data$i"
    dotnet "$service" --grpc-port "${grpc[$i]}" --http-port "${http[$i]}" --redis 127.0.0.1:$redis_port \
      --model "$root/models/default.model" --AbuseDetector:DataPath="$out/data$i" > "$out/r$round-service$i.log" 2>&1 &
    pids+=($!)
  done
  for i in 0 1; do until curl -sf "http://127.0.0.1:${http[$i]}/alive" >/dev/null; do sleep 0.2; done; done
  common=(--address "http://127.0.0.1:$nginx_grpc" --server-pid "${pids[0]}" --redis 127.0.0.1:$redis_port --redis-pid "$redis_pid"
    --data "$root/models/data/call-domain-train.jsonl")
  dotnet "$tool" "${common[@]}" --streams "$streams" --pace max --duration 10 > /dev/null
  second_before=$(awk '{print $14 + $15}' "/proc/${pids[1]}/stat")
  dotnet "$tool" "${common[@]}" --streams "$streams" --pace realistic --duration 45 --call-chunks 30 > "$out/r$round.txt"
  second_after=$(awk '{print $14 + $15}' "/proc/${pids[1]}/stat")
  echo "second instance CPU   $(( (second_after - second_before) / $(getconf CLK_TCK) )) s" >> "$out/r$round.txt"
  for i in 0 1; do echo "instance $i calls ended  $(grep -c 'Call ended' "$out/r$round-service$i.log" || true)" >> "$out/r$round.txt"; done
  for pid in "${pids[@]}"; do kill -TERM "$pid"; wait "$pid" || true; done
  pids=()
done

for file in "$out"/r*.txt; do
  case $file in *service*) continue ;; esac
  echo "== $(basename "$file" .txt)"
  grep -E "^(chunks/s|latency p50|latency p99 |latency p99\.9|alert latency p99 |server CPU|second instance CPU|machine CPU|call errors|instance )" "$file" || true
done
echo "outputs: $out"
