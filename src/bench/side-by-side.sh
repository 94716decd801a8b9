#!/usr/bin/env bash
# side-by-side.sh [PEER...] - runs the shared harness (../shared/tools/bench, or BENCH_HARNESS) with
# this checkout's packaged service as peer "ours" and the named peers (default: iceberg-ref nessie),
# in one run on this machine, ours first unless "ours" is named among them (e.g. "nessie iceberg-ref
# ours" for the reverse order). Build first: ./mvnw -B package -DskipTests.
# ours gets what the peers get: -Xmx1g, a fresh PostgreSQL database, a warehouse on the harness's
# S3Proxy, and runs with the JVM options the README recommends (scripts/jvm-options) and the class-data
# archive of this build (scripts/class-data-archive.sh writes target/ailake.jsa, again whenever the jar
# is newer).
# The workload's one token is the bootstrap admin token; the per-token rate limit is lifted so it
# measures the catalog, not the limiter. BENCH_ARGS passes more flags to the workload, OURS_JAVA_OPTS
# more JVM options. STARTS=N runs no workload: the peers are started in turn, N rounds (the harness's
# startup.sh: launch to the first 2xx of /v1/config, a fresh database each time, on its own S3Proxy).
set -euo pipefail
project=$(cd "$(dirname "$0")/../.." && pwd)
harness=$(cd "${BENCH_HARNESS:-$project/../shared/tools/bench}" && pwd)
peers=("$@"); (( ${#peers[@]} )) || peers=(iceberg-ref nessie)
token=bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT

options=$(cat "$project/scripts/jvm-options")
archive=$project/target/ailake.jsa
if [[ ! -s $archive || $project/target/quarkus-app/quarkus-run.jar -nt $archive ]]; then
  JAVA_OPTIONS=$options "$project/scripts/class-data-archive.sh" "$archive" >/dev/null
fi

ln -sf start-cmd.sh "$harness/start-ours.sh"
# the harness's readiness probe is a bare curl of /v1/config, which ailake answers only with a token
printf 'header = "Authorization: Bearer %s"\n' "$token" >"$data/.curlrc"
export CURL_HOME=$data
export PEER_PATH=/iceberg PEER_WAREHOUSE=lake
export PEER_CMD="env AILAKE_DATA_DIR=$data AILAKE_BOOTSTRAP_TOKEN=$token \
  AILAKE_WAREHOUSE_LOCATION=\$WAREHOUSE_LOCATION AILAKE_S3_ENDPOINT=\$S3_ENDPOINT \
  AILAKE_S3_REGION=\$S3_REGION AILAKE_S3_ACCESS_KEY_ID=\$S3_ACCESS_KEY \
  AILAKE_S3_SECRET_ACCESS_KEY=\$S3_SECRET_KEY AILAKE_S3_PATH_STYLE_ACCESS=true \
  java -Xmx\${PEER_HEAP:-1g} $options -XX:SharedArchiveFile=$archive ${OURS_JAVA_OPTS:-} -Dquarkus.http.port=\$PORT -Dquarkus.datasource.jdbc.url=\$PG_URL \
  -Dquarkus.datasource.username=\$PG_USER -Dailake.rate-limit.requests-per-second=1000000 \
  -Dailake.rate-limit.burst=1000000 -jar $project/target/quarkus-app/quarkus-run.jar"
# peers ignore the token; ours needs it on every call
export BENCH_ARGS="--prop token=$token ${BENCH_ARGS:-}"
cd "$harness"
[[ " ${peers[*]} " == *" ours "* ]] || peers=(ours "${peers[@]}")
if [[ -n ${STARTS:-} ]]; then
  ./start-s3.sh "${S3_PORT:-9100}" "$data/s3" >/dev/null
  trap './stop.sh s3 >/dev/null; rm -rf "$data"' EXIT
  for ((i = 1; i <= STARTS; i++)); do
    for peer in "${peers[@]}"; do ./startup.sh "$peer" 1; done
  done
else
  ./run-bench.sh "${peers[@]}"
fi
