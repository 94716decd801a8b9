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
# measures the catalog, not the limiter. Before the first peer, S3Proxy is warmed up with S3_WARMUP
# (3000) small objects, each written, read and looked at; 0 skips it. BENCH_ARGS passes more flags to the
# workload, OURS_JAVA_OPTS more JVM options. STARTS=N runs no workload: the peers are started in turn, N
# rounds (the harness's startup.sh: launch to the first 2xx of /v1/config, a fresh database each time, on
# the one S3Proxy of the run).
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
# S3Proxy stands in for an object store that is always running; a fresh one spends its first thousands of
# requests compiling its own code, on the cores the first peer is measured on. So before the first peer,
# N small objects are each written, read and looked at (SigV4-signed, in one curl process). Uses the
# harness's settings and helpers (lib.sh).
warm_object_store() {
  local n=$1 i url request put get t0
  (( n > 0 )) || return 0
  head -c 3000 /dev/urandom | base64 >"$data/object.json"
  # signed payloads, as the catalogs send them; curl forgets a request's options at "next", so each
  # request names them all
  request="aws-sigv4 = \"aws:amz:$S3_REGION:s3\"
user = \"$S3_ACCESS_KEY:$S3_SECRET_KEY\"
fail
silent
output = \"/dev/null\"
header = \"x-amz-content-sha256: "
  put="$request$(sha256sum "$data/object.json" | cut -d' ' -f1)\""
  get="$request$(printf '' | sha256sum | cut -d' ' -f1)\""
  for ((i = 0; i < n; i++)); do
    url="$S3_ENDPOINT/$S3_BUCKET/warm-up/t$i/metadata/00000.metadata.json"
    printf '%s\nurl = "%s"\nupload-file = "%s"\nnext\n%s\nurl = "%s"\nnext\n%s\nurl = "%s"\nhead\nnext\n' \
      "$put" "$url" "$data/object.json" "$get" "$url" "$get" "$url"
  done | sed '$d' >"$data/warm-up.curlrc"  # no "next" after the last
  t0=$(now_ms)
  curl -q --fail-early -K "$data/warm-up.curlrc" || die "S3Proxy warm-up failed"
  log "S3Proxy warmed up: $((3 * n)) requests in $(($(now_ms) - t0)) ms"
}

cd "$harness"
source ./lib.sh
[[ " ${peers[*]} " == *" ours "* ]] || peers=(ours "${peers[@]}")
./start-s3.sh "$S3_PORT" "$data/s3" >/dev/null
trap './stop.sh s3 >/dev/null; rm -rf "$data"' EXIT
if [[ -n ${STARTS:-} ]]; then
  for ((i = 1; i <= STARTS; i++)); do
    for peer in "${peers[@]}"; do ./startup.sh "$peer" 1; done
  done
else
  warm_object_store "${S3_WARMUP:-3000}"
  export OUT=${OUT:-$harness/results/$(date +%Y%m%d-%H%M%S)}
  # with KEEP_S3=1 run-bench.sh's exit trap ends on a false test, so its status is 1 even when every peer
  # ran; a run counts when each peer's closing line is in the results
  KEEP_S3=1 ./run-bench.sh "${peers[@]}" || true
  for peer in "${peers[@]}"; do
    grep -q "\"peer\":\"$peer\",\"op\":\"server\"" "$OUT/results.jsonl" 2>/dev/null \
      || die "no results for $peer in $OUT"
  done
fi
