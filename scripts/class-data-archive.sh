#!/usr/bin/env bash
# class-data-archive.sh [ARCHIVE] - writes a class-data archive (AppCDS) of the packaged service, so that
# the JVM maps the classes it needs from one file instead of loading and verifying them one by one:
# a start against an external PostgreSQL takes about a third less time, with less memory.
#
# It starts the packaged service once, on a scratch embedded PostgreSQL and a local warehouse, walks a
# table through the catalog (namespace, create, load, list, commit, drop) so that the classes of the
# request paths are in the archive too, stops it, and the JVM writes the archive as it exits.
# Then start the service with -XX:SharedArchiveFile=ARCHIVE (default target/ailake.jsa) and the same
# JVM; make the archive again after every build (a stale one is ignored by the JVM, with a warning).
# JAVA_OPTIONS: the JVM options the service runs with (default: scripts/jvm-options, those the README
# recommends);
# CDS_PORT: the port of that one start (default 18199).
set -euo pipefail
project=$(cd "$(dirname "$0")/.." && pwd)
jar=$project/target/quarkus-app/quarkus-run.jar
archive=$(realpath -m "${1:-$project/target/ailake.jsa}")
port=${CDS_PORT:-18199}
options=${JAVA_OPTIONS:-$(cat "$project/scripts/jvm-options")}
[[ -f $jar ]] || { echo "no $jar: build first (./mvnw -B package -DskipTests)" >&2; exit 1; }

data=$(mktemp -d)
token=cds-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
pid=
cleanup() {
  [[ -z $pid ]] || kill "$pid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

rm -f "$archive"
# shellcheck disable=SC2086 # the options are words
# a clean environment: the service's own settings of this shell (a database, S3) are not for this start
env -i PATH="$PATH" HOME="$HOME" AILAKE_DATA_DIR="$data" AILAKE_BOOTSTRAP_TOKEN="$token" \
  java -XX:ArchiveClassesAtExit="$archive" $options -Dquarkus.http.port="$port" -jar "$jar" \
  >"$data/service.log" 2>&1 &
pid=$!

catalog=http://127.0.0.1:$port/iceberg/v1
call() { # METHOD PATH [BODY]: fails on anything but 2xx
  curl -sf -o /dev/null -X "$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} "$catalog$2"
}
for _ in $(seq 300); do
  call GET /config && break
  kill -0 "$pid" 2>/dev/null || { cat "$data/service.log" >&2; exit 1; }
  sleep 0.5
done
call GET /config

schema='{"type":"struct","schema-id":0,"fields":[{"id":1,"name":"id","required":false,"type":"long"}]}'
call POST /lake/namespaces '{"namespace":["cds"]}'
call POST /lake/namespaces/cds/tables "{\"name\":\"t\",\"schema\":$schema}"
call GET /lake/namespaces/cds/tables/t
call GET /lake/namespaces/cds/tables
call POST /lake/namespaces/cds/tables/t \
  '{"requirements":[],"updates":[{"action":"set-properties","updates":{"k":"v"}}]}'
call DELETE /lake/namespaces/cds/tables/t
call DELETE /lake/namespaces/cds

kill "$pid"
wait "$pid" || true
pid=
[[ -s $archive ]] || { echo "the JVM wrote no archive; see its log:" >&2; cat "$data/service.log" >&2; exit 1; }
# -Xshare:on refuses to start unless the archive maps for this JVM and this jar
java -Xshare:on -XX:SharedArchiveFile="$archive" -cp "$jar" -version 2>/dev/null \
  || { echo "the JVM cannot use $archive" >&2; exit 1; }
echo "$archive"
