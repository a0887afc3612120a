#!/usr/bin/env bash
# Builds the JMH benchmarks and runs them; arguments go to JMH. Without arguments: a short run of
# the pipeline benchmark. Scores of PipelineBenchmark are MiB/s on one core. Examples:
#   bench/jmh.sh
#   bench/jmh.sh 'PipelineBenchmark.pipeline' -p data=text -p profile=dumps -wi 3 -i 5 -f 2
#   bench/jmh.sh PipelineBenchmark -prof gc
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME="${LIFEBOAT_JAVA_HOME:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}}"
./mvnw -q -B -pl bench -am package -DskipTests
if [ $# -eq 0 ]; then
  set -- PipelineBenchmark -wi 2 -i 3 -f 1
fi
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar bench/target/lifeboat-benchmarks.jar "$@"
