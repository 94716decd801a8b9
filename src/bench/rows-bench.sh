#!/usr/bin/env bash
# rows-bench.sh [RowsBenchmark options, e.g. --rows 1000000] - the row and query routes' benchmark
# (RowsBenchmark) in one run on this machine: starts the service packaged from this checkout (packaging
# it first when target/quarkus-app is missing) with -Xmx1g, a fresh data directory (embedded PostgreSQL,
# a warehouse on local disk), the rate limit off and insert bodies up to 64M; starts Trino 476 (the test
# suite's unpacked server in ~/.cache/ailake/trino-server-<version>, on TRINO_JAVA_HOME, Iceberg plugin
# only, -Xmx2G) with this catalog as catalog "lake", reading the warehouse through its local file system;
# then runs RowsBenchmark against both, and SparkInsertBenchmark (src/bench/spark: a running Spark 3.5
# session beside an NDJSON insert, and Spark's own INSERT of the same rows). NO_TRINO=1 skips Trino,
# NO_SPARK=1 the Spark phase; SERVICE_HEAP (1g) sets the service's -Xmx, SERVICE_OPTS adds JVM options (e.g.
# -XX:StartFlightRecording=filename=/tmp/service.jfr). Options unknown to one of the two
# benchmarks are ignored by it (both read --insert-rows and --repeats).
set -euo pipefail
project=$(cd "$(dirname "$0")/../.." && pwd)
trino_home=${TRINO_HOME:-$HOME/.cache/ailake/trino-server-476}
trino_java=${TRINO_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
await() {  # await NAME PID URL [CURL OPTIONS]: until URL answers 2xx, or fail when PID exits or after 4 min
  local name=$1 pid=$2 url=$3 i; shift 3
  for ((i = 0; i < 480; i++)); do
    curl -fsS -o /dev/null "$@" "$url" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "$name exited while starting" >&2; return 1; }
    sleep 0.5
  done
  echo "$name did not start within 4 minutes" >&2; return 1
}

jar=$project/target/quarkus-app/quarkus-run.jar
[[ -f $jar ]] || (cd "$project" && ./mvnw -B -q -o package -DskipTests)
token=bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
port=$(free_port)
AILAKE_DATA_DIR=$work/data AILAKE_BOOTSTRAP_TOKEN=$token java "-Xmx${SERVICE_HEAP:-1g}" ${SERVICE_OPTS:-} \
  -Dquarkus.http.port="$port" -Dailake.rate-limit.enabled=false \
  -Dailake.rows.max-body-bytes=64M -Dailake.http.max-body-bytes=64M -Dquarkus.http.limits.max-body-size=64M \
  -jar "$jar" >"$work/service.log" 2>&1 &
service=$!; pids+=("$service")
await service "$service" "http://127.0.0.1:$port/q/health/ready" || { tail -50 "$work/service.log"; exit 1; }
echo "service: pid $service, port $port, -Xmx${SERVICE_HEAP:-1g}, $(cd "$project" && git describe --always --dirty)"

trino_args=()
if [[ -z ${NO_TRINO:-} ]]; then
  tport=$(free_port)
  mkdir -p "$work/trino/etc/catalog" "$work/trino/plugin"
  ln -s "$trino_home/plugin/iceberg" "$work/trino/plugin/iceberg"
  cat >"$work/trino/etc/config.properties" <<PROPS
coordinator=true
node-scheduler.include-coordinator=true
http-server.http.port=$tport
discovery.uri=http://127.0.0.1:$tport
node.environment=bench
node.id=bench
node.internal-address=127.0.0.1
plugin.dir=$work/trino/plugin
catalog.config-dir=$work/trino/etc/catalog
query.max-memory=1GB
query.max-memory-per-node=1GB
memory.heap-headroom-per-node=512MB
PROPS
  cat >"$work/trino/etc/catalog/lake.properties" <<PROPS
connector.name=iceberg
iceberg.catalog.type=rest
iceberg.rest-catalog.uri=http://127.0.0.1:$port/iceberg
iceberg.rest-catalog.warehouse=lake
iceberg.rest-catalog.security=OAUTH2
iceberg.rest-catalog.oauth2.token=$token
fs.native-local.enabled=true
local.location=/
PROPS
  (cd "$work/trino" && exec "$trino_java" -Xmx2G -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
    -Djdk.attach.allowAttachSelf=true -XX:+EnableDynamicAgentLoading --enable-native-access=ALL-UNNAMED \
    -Dfile.encoding=UTF-8 -Dconfig="$work/trino/etc/config.properties" -cp "$trino_home/lib/*" \
    io.trino.server.TrinoServer >"$work/trino/server.log" 2>&1) &
  trino=$!; pids+=("$trino")
  for ((i = 0; i < 480; i++)); do
    curl -fsS "http://127.0.0.1:$tport/v1/info" 2>/dev/null | tr -d ' ' | grep -q '"starting":false' && break
    kill -0 "$trino" 2>/dev/null || { tail -50 "$work/trino/server.log"; exit 1; }
    sleep 0.5
  done
  echo "trino: pid $trino, port $tport, -Xmx2G"
  trino_args=(--trino "jdbc:trino://127.0.0.1:$tport/lake")
fi

cd "$project"
./mvnw -B -q -f src/bench/pom.xml compile exec:java -Dexec.mainClass=io.ailake.bench.RowsBenchmark \
  -Dexec.args="--uri http://127.0.0.1:$port --token $token --pid $service ${trino_args[*]} $*" \
  || { echo "--- service log (tail)"; tail -30 "$work/service.log"; exit 1; }

# the Spark phase: a running Spark session beside the NDJSON insert (its own JVM: Spark's classpath)
if [[ -z ${NO_SPARK:-} ]]; then
  ./mvnw -B -q -f src/bench/spark/pom.xml compile exec:exec \
    -Dbench.args="--uri http://127.0.0.1:$port --token $token $*" \
    || { echo "--- service log (tail)"; tail -30 "$work/service.log"; exit 1; }
fi
