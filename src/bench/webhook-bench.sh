#!/usr/bin/env bash
# webhook-bench.sh [WebhookBenchmark options, e.g. --commits 200 --clients 4 --subscriptions 0,10,100] - commits/s
# with 0, 10 and 100 webhooks subscribed to the committed table, and the delay from commit to delivery (p50, p99)
# at a receiver on this machine (WebhookBenchmark). Starts the service packaged from this checkout (packaged
# first when target/quarkus-app is missing; -Xmx1g, embedded PostgreSQL, a local-disk warehouse).
set -euo pipefail
project=$(cd "$(dirname "$0")/../.." && pwd)
jar=$project/target/quarkus-app/quarkus-run.jar
[[ -f $jar ]] || (cd "$project" && ./mvnw -B -q package -DskipTests)
echo "service: $(cd "$project" && git describe --always --dirty); load: $(uptime)"
cd "$project"
./mvnw -B -q -f src/bench/pom.xml compile exec:java -Dexec.mainClass=io.ailake.bench.WebhookBenchmark \
  -Dexec.args="--jar $jar $*"
echo "load after: $(uptime)"
