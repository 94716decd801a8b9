#!/usr/bin/env bash
# upload-bench.sh [UploadBenchmark options, e.g. --files 8 --rows-per-file 3200000 --csv-rows 1000000]
# - the file-upload syncs' benchmark (UploadBenchmark) in one run on this machine: S3Proxy (file-system
# store in a temporary directory) and the service packaged from this checkout (packaged first when
# target/quarkus-app is missing; -Xmx1g, embedded PostgreSQL, its warehouse on that S3), then Parquet
# files through one sync against raw PUTs of the same files, and a CSV sync against DuckDB's COPY.
set -euo pipefail
project=$(cd "$(dirname "$0")/../.." && pwd)
jar=$project/target/quarkus-app/quarkus-run.jar
[[ -f $jar ]] || (cd "$project" && ./mvnw -B -q package -DskipTests)
echo "service: $(cd "$project" && git describe --always --dirty)"
cd "$project"
./mvnw -B -q -f src/bench/pom.xml compile exec:java -Dexec.mainClass=io.ailake.bench.UploadBenchmark \
  -Dexec.args="--jar $jar $*"
