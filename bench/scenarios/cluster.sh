# Cluster mode: three replicas on one Redis. Cold callers spread over the replicas (AssumeRole calls
# counted at the upstream and where charged in Redis), then the warm-vend throughput of one replica
# against the same jar in single-node mode, then warm p99 with Redis 50 ms away. Sourced by
# bench/run.sh after start_upstream.

# start_redis: a redis-server on a free loopback port (sets REDIS_PORT, REDIS_PID).
start_redis() {
  local i
  free_port REDIS_PORT
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --protected-mode yes \
    > "$WORK/logs/redis.log" 2>&1 &
  REDIS_PID=$!
  PIDS+=("$REDIS_PID")
  for i in $(seq 1 50); do
    [[ $(redis-cli -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]] && { echo "redis: ready on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID)"; return 0; }
    kill -0 "$REDIS_PID" 2>/dev/null || break
    sleep 0.2
  done
  tail -20 "$WORK/logs/redis.log"
  die "redis-server did not start"
}

# start_tcp_proxy TARGET_PORT VAR_PORT VAR_CONTROL_PORT VAR_PID: DelayProxy --mode tcp, no delay yet.
start_tcp_proxy() {
  local port control pid
  free_port port
  free_port control
  java -cp "$WORK/classes" DelayProxy --mode tcp --port "$port" --target "127.0.0.1:$1" --control-port "$control" \
    --delay-ms 0 > "$WORK/logs/tcp-proxy-$port.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  wait_ready "http://127.0.0.1:$control/__bench/stats" "$pid" 30 || die "tcp delay proxy did not start"
  printf -v "$2" '%s' "$port"
  printf -v "$3" '%s' "$control"
  printf -v "$4" '%s' "$pid"
}

# cluster_degraded MGMT_PORT: the replica's broker_cluster_degraded gauge (empty when unreadable).
cluster_degraded() {
  curl -sf "http://127.0.0.1:$1/q/metrics" | awk '/^broker_cluster_degraded[ {]/{print $NF; exit}'
}

scenario_cluster() {
  local i proxy_port proxy_pid rproxy_port rproxy_control rproxy_pid enc secret mon_pid single_pid
  local -a ports mgmts pids args
  say "cluster: Redis, 3 replicas, $CLUSTER_CALLERS cold callers, budget $CLUSTER_BUDGET/s"
  start_upstream
  start_proxy proxy_port proxy_pid
  start_redis
  start_tcp_proxy "$REDIS_PORT" rproxy_port rproxy_control rproxy_pid
  enc=$(head -c 32 /dev/urandom | base64)
  secret=$(head -c 32 /dev/urandom | base64)
  for i in 1 2 3; do
    free_port 'ports[i]'
    free_port 'mgmts[i]'
    PORT=${ports[i]} MGMT_PORT=${mgmts[i]} render bench/conf/broker.properties "$WORK/conf/replica$i.properties"
    COLD_PROXY_PORT=$proxy_port render bench/conf/cold.properties "$WORK/conf/replica$i-upstream.properties"
    cat "$WORK/conf/replica$i-upstream.properties" >> "$WORK/conf/replica$i.properties"
    # Replica 1 reaches Redis through the TCP delay proxy, the others directly.
    CLUSTER_REDIS_PORT=$REDIS_PORT
    (( i == 1 )) && CLUSTER_REDIS_PORT=$rproxy_port
    render bench/conf/cluster.properties "$WORK/conf/replica$i-cluster.properties"
    cat "$WORK/conf/replica$i-cluster.properties" >> "$WORK/conf/replica$i.properties"
    start_broker "replica$i" "${mgmts[i]}" "$WORK/conf/replica$i.properties" "$XMX" \
      ALIBABA_CLOUD_ACCESS_KEY_ID="$STS_AK" ALIBABA_CLOUD_ACCESS_KEY_SECRET="$STS_SK" \
      BROKER_CLUSTER_ENCRYPTION_KEY="$enc" BROKER_CLUSTER_KEY_SECRET="$secret"
    pids[i]=$STARTED_PID
  done
  for i in 1 2 3; do
    for _ in $(seq 1 100); do [[ $(cluster_degraded "${mgmts[i]}") == 0* ]] && break; sleep 0.3; done
    [[ $(cluster_degraded "${mgmts[i]}") == 0* ]] || die "replica$i is degraded (cannot use Redis): see $WORK/logs/replica$i.log (--keep-work)"
  done

  # 1. Cold callers, counted at the upstream (proxy arrivals) and where charged (Redis MONITOR).
  redis-cli -p "$REDIS_PORT" monitor > "$WORK/raw/redis-monitor.txt" 2>&1 &
  mon_pid=$!
  PIDS+=("$mon_pid")
  sleep 0.5
  args=()
  for i in 1 2 3; do
    args+=(--replica "http://127.0.0.1:${ports[i]}" --metrics "http://127.0.0.1:${mgmts[i]}/q/metrics")
  done
  tool Cluster "${args[@]}" --role bench --tokens "$WORK/tokens/callers.tok" --callers "$CLUSTER_CALLERS" \
    --concurrency "$CLUSTER_CONCURRENCY" --budget "$CLUSTER_BUDGET" --upstream "http://127.0.0.1:$proxy_port" \
    --monitor "$WORK/raw/redis-monitor.txt" --budget-key "sts-broker:{budget}" \
    --out "$WORK/sections/6-cluster.md" --verdicts "$VERDICTS"
  stop_pid "$mon_pid"

  # 2. Warm vends: a fourth replica in cluster mode (Redis direct) against the same jar in single-node
  #    mode, same properties but cluster.properties, both started now so that neither carries the cold
  #    pass's cache, usage ledger and heap (replica 2 held ~3,300 credentials more than a fresh
  #    process); both warm on the API key; the other processes idle alike for both.
  local warm_port warm_mgmt warm_pid
  free_port warm_port
  free_port warm_mgmt
  PORT=$warm_port MGMT_PORT=$warm_mgmt render bench/conf/broker.properties "$WORK/conf/replica4.properties"
  cat "$WORK/conf/replica2-upstream.properties" >> "$WORK/conf/replica4.properties"
  CLUSTER_REDIS_PORT=$REDIS_PORT render bench/conf/cluster.properties "$WORK/conf/replica4-cluster.properties"
  cat "$WORK/conf/replica4-cluster.properties" >> "$WORK/conf/replica4.properties"
  start_broker replica4 "$warm_mgmt" "$WORK/conf/replica4.properties" "$XMX" \
    ALIBABA_CLOUD_ACCESS_KEY_ID="$STS_AK" ALIBABA_CLOUD_ACCESS_KEY_SECRET="$STS_SK" \
    BROKER_CLUSTER_ENCRYPTION_KEY="$enc" BROKER_CLUSTER_KEY_SECRET="$secret"
  warm_pid=$STARTED_PID
  free_port SINGLE_PORT
  free_port SINGLE_MGMT_PORT
  PORT=$SINGLE_PORT MGMT_PORT=$SINGLE_MGMT_PORT render bench/conf/broker.properties "$WORK/conf/single.properties"
  cat "$WORK/conf/replica1-upstream.properties" >> "$WORK/conf/single.properties"
  start_broker single "$SINGLE_MGMT_PORT" "$WORK/conf/single.properties" "$XMX" \
    ALIBABA_CLOUD_ACCESS_KEY_ID="$STS_AK" ALIBABA_CLOUD_ACCESS_KEY_SECRET="$STS_SK"
  single_pid=$STARTED_PID
  {
    printf 'single\t%s\t%s\t%s\t%s\t-\t%s\n' "http://127.0.0.1:$SINGLE_PORT/v1/credentials/bench" "$single_pid" \
      "$WORK/tokens/key.tok" "http://127.0.0.1:$SINGLE_MGMT_PORT/q/metrics" "single-node broker, API key, cache warm"
    printf 'cluster\t%s\t%s\t%s\t%s\t-\t%s\n' "http://127.0.0.1:$warm_port/v1/credentials/bench" "$warm_pid" \
      "$WORK/tokens/key.tok" "http://127.0.0.1:$warm_mgmt/q/metrics" "a fourth replica in cluster mode (Redis direct), same jar and load"
  } > "$WORK/conf/cluster-targets.tsv"
  say "cluster: warm vends, one replica in cluster mode against single-node mode"
  tool Throughput --targets "$WORK/conf/cluster-targets.tsv" --baseline single --lua bench/wrk/bench.lua \
    --rounds "$CLUSTER_ROUNDS" --duration "$CLUSTER_DURATION" --warmup "$CLUSTER_WARMUP" --threads "$THREADS" \
    --connections "$CONNECTIONS" --clk-tck "$(getconf CLK_TCK)" --raw "$WORK/raw/cluster-throughput" \
    --out "$WORK/sections/6b-cluster-throughput.md" --verdicts "$VERDICTS" --scenario cluster --order abba \
    --title "Cluster: warm vends of one replica in cluster mode against the same jar in single-node mode" \
    --target 'cluster:rps>=0.95' --target 'cluster:cpu<=1.05'
  stop_pid "$single_pid"
  stop_pid "$warm_pid"

  # 3. Warm p99 of replica 1 with Redis 50 ms away (each way) against no delay, alternating.
  {
    printf 'redis-0ms\t%s\t%s\t%s\t%s\t%s\t%s\n' "http://127.0.0.1:${ports[1]}/v1/credentials/bench" "${pids[1]}" \
      "$WORK/tokens/key.tok" "http://127.0.0.1:${mgmts[1]}/q/metrics" "http://127.0.0.1:$rproxy_control/__bench/delay?ms=0" \
      "replica 1, API key, cache warm, Redis through the TCP proxy with no delay"
    printf 'redis-%sms\t%s\t%s\t%s\t%s\t%s\t%s\n' "$REDIS_DELAY_MS" "http://127.0.0.1:${ports[1]}/v1/credentials/bench" "${pids[1]}" \
      "$WORK/tokens/key.tok" "http://127.0.0.1:${mgmts[1]}/q/metrics" "http://127.0.0.1:$rproxy_control/__bench/delay?ms=$REDIS_DELAY_MS" \
      "same, every byte to and from Redis held ${REDIS_DELAY_MS} ms (round trip +$((2 * REDIS_DELAY_MS)) ms)"
  } > "$WORK/conf/cluster-redis-targets.tsv"
  say "cluster: warm p99 with Redis +${REDIS_DELAY_MS} ms one way"
  tool Throughput --targets "$WORK/conf/cluster-redis-targets.tsv" --baseline redis-0ms --lua bench/wrk/bench.lua \
    --rounds "$CLUSTER_ROUNDS" --duration "$CLUSTER_DURATION" --warmup "$CLUSTER_WARMUP" --threads "$THREADS" \
    --connections "$CONNECTIONS" --clk-tck "$(getconf CLK_TCK)" --raw "$WORK/raw/cluster-redis" \
    --out "$WORK/sections/6c-cluster-redis.md" --verdicts "$VERDICTS" --scenario cluster --order abba \
    --title "Cluster: warm vends with Redis ${REDIS_DELAY_MS} ms away (warm hits never touch Redis)" \
    --target "redis-${REDIS_DELAY_MS}ms:p99<=1.10" --target "redis-${REDIS_DELAY_MS}ms:p50<=1.10"
  echo "Replica 1's \`broker_cluster_degraded\` after the delayed rounds: $(cluster_degraded "${mgmts[1]}") (0: Redis reachable through the delay)." \
    >> "$WORK/sections/6c-cluster-redis.md"
  echo >> "$WORK/sections/6c-cluster-redis.md"
  NPROC=$(nproc) render bench/conf/cluster-setup.md "$WORK/cluster-setup.md"
  cat "$WORK/cluster-setup.md" >> "$WORK/sections/6c-cluster-redis.md"
  for i in 1 2 3; do stop_pid "${pids[i]}"; done
  stop_pid "$rproxy_pid"
  stop_pid "$REDIS_PID"
  stop_pid "$proxy_pid"
}
