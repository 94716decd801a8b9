#!/bin/sh
# Starts the packaged service beside this script with a class-data archive of its build: a container's
# first start writes the archive as the service stops (the JVM dumps the classes it loaded, linked), in
# the data volume, and every later start maps it, about a quarter shorter. The archive's name is a
# checksum of the build's jars, so a new image writes its own and never reads another build's.
# AILAKE_CLASS_DATA_DIR: where archives are kept (default $AILAKE_DATA_DIR/class-data, or ./data/class-data);
# JAVA_OPTS_APPEND: the JVM options.
set -eu
cd "$(dirname "$0")"
dir=${AILAKE_CLASS_DATA_DIR:-${AILAKE_DATA_DIR:-data}/class-data}
build=$(cat quarkus-run.jar app/*.jar quarkus/*.jar | cksum | cut -d' ' -f1)
archive=$dir/ailake-$build.jsa
class_data=
if mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ]; then
  if [ -s "$archive" ] && java -Xshare:on -XX:SharedArchiveFile="$archive" -cp quarkus-run.jar -version >/dev/null 2>&1; then
    class_data=-XX:SharedArchiveFile=$archive
  else
    # none yet, one cut short (the container killed while it was written) or another build's: this
    # start writes this build's as it stops
    find "$dir" -maxdepth 1 -name 'ailake-*.jsa' -delete
    class_data=-XX:ArchiveClassesAtExit=$archive
  fi
fi
# shellcheck disable=SC2086 # the options are words
exec java ${JAVA_OPTS_APPEND:-} $class_data -jar quarkus-run.jar
