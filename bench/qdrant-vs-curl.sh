#!/usr/bin/env bash
# Backs up one Qdrant collection snapshot of ~SIZE_MIB from the stand-in over loopback and compares
# with the raw download of the same snapshot by `curl -o /dev/null`, in the same run. Issue #6 asks
# for the backup's download phase to reach >= 90% of curl's throughput on a 1 GiB snapshot.
# Reported: snapshot creation time (the server's work, the same for both), curl's download time,
# lifeboat's whole backup time (JVM start, key derivation, snapshot creation, count and sample
# included), and the time lifeboat itself measured for streaming the download into the repository
# (metadata download_ms: download, hashing, chunking, compression, encryption, pack writes).
# Then the CPU seconds of each of Lifeboat's threads (and of the stand-in) during a second run's download.
# Usage: bench/qdrant-vs-curl.sh [SIZE_MIB (default 1024)] [WORKDIR (default /tmp/lifeboat-bench-qdrant)]
# The stand-in holds the points in memory (about 1.5x SIZE_MIB of heap): keep sizes modest on shared machines.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
size="${1:-1024}"
work="${2:-/tmp/lifeboat-bench-qdrant}"
export JAVA_HOME="${LIFEBOAT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
rm -rf "$work"; mkdir -p "$work"
"$here/lifeboat" --version >/dev/null   # builds the CLI if needed, outside the timings
# Timed runs measure Lifeboat, not the launcher's scan of the sources for changes (as an installed copy).
export LIFEBOAT_NO_BUILD=1

# The stand-in module depends on no other module of the project: its classes and its libraries.
(cd "$here" && ./mvnw -q -B -DskipTests -pl lifeboat-qdrant-standin -am package dependency:build-classpath \
  -Dmdep.outputFile="$work/cp.txt" >"$work/build.log" 2>&1) || { cat "$work/build.log"; exit 1; }
cp="$here/lifeboat-qdrant-standin/target/classes:$(cat "$work/cp.txt")"
mkfifo "$work/q.stdin"
"$JAVA_HOME/bin/java" -Xmx$((size * 2 + 512))m -cp "$cp" "$here/bench/QdrantStandInMain.java" "$size" "$work/q.env" \
  <"$work/q.stdin" >"$work/q.log" 2>&1 &
server=$!
exec 3>"$work/q.stdin"
trap 'exec 3>&-; wait "$server" 2>/dev/null || true; rm -f "$work/q.stdin"' EXIT
for _ in $(seq 1 3000); do [ -s "$work/q.env" ] && break; sleep 0.2; done
[ -s "$work/q.env" ] || { cat "$work/q.log"; exit 1; }
# shellcheck disable=SC1091
source "$work/q.env"
export LIFEBOAT_PASSWORD="bench-password" LIFEBOAT_PROGRESS=0 LIFEBOAT_STATE_DIR="$work/state"
now() { date +%s.%N; }
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }

# curl: create a snapshot, download it, delete it.
s=$(now); curl -fsS -X POST "$QDRANT_URL/collections/bench/snapshots?wait=true" >"$work/snap.json"; e=$(now)
create=$(echo "$e - $s" | bc)
name=$(json "$work/snap.json" 'd["result"]["name"]')
bytes=$(json "$work/snap.json" 'd["result"]["size"]')
s=$(now); curl -fsS -o /dev/null "$QDRANT_URL/collections/bench/snapshots/$name"; e=$(now)
curl_t=$(echo "$e - $s" | bc)
curl -fsS -X DELETE "$QDRANT_URL/collections/bench/snapshots/$name" >/dev/null

"$here/lifeboat" init --repo "$work/repo" >/dev/null
s=$(now); "$here/lifeboat" backup qdrant --json --repo "$work/repo" --url "$QDRANT_URL" --collection bench >"$work/b1.json"; e=$(now)
lb_t=$(echo "$e - $s" | bc)
lb_dl=$(echo "$(json "$work/b1.json" 'd["snapshots"][0]["metadata"]["download_ms"]') / 1000" | bc -l)
mib=$(echo "$bytes / 1048576" | bc -l)
printf '\n%s cores, snapshot %.0f MiB (%s points)\n' "$(nproc)" "$mib" "$QDRANT_POINTS"
printf '%-44s %8.2fs\n' "snapshot creation (server)" "$create"
printf '%-44s %8.2fs %8.1f MiB/s\n' "curl -o /dev/null" "$curl_t" "$(echo "$mib / $curl_t" | bc -l)"
printf '%-44s %8.2fs\n' "lifeboat backup qdrant (whole command)" "$lb_t"
printf '%-44s %8.2fs %8.1f MiB/s\n' "lifeboat download into the repository" "$lb_dl" "$(echo "$mib / $lb_dl" | bc -l)"
printf '%-44s %8.0f%%\n' "lifeboat throughput / curl throughput" "$(echo "100 * $curl_t / $lb_dl" | bc -l)"
printf '%-44s %s bytes\n' "stored (compressed, encrypted)" "$(json "$work/b1.json" 'd["snapshots"][0]["stats"]["stored_bytes_added"]')"

# Where the CPU goes: the same backup into a second repository, its threads sampled from /proc while
# the download runs (a separate run, so the sampling does not slow the timed one).
"$here/lifeboat" init --repo "$work/repo2" >/dev/null
python3 "$here/bench/thread-cpu.py" read-ahead --also "$server" -- \
  "$here/lifeboat" backup qdrant --json --repo "$work/repo2" --url "$QDRANT_URL" --collection bench >/dev/null
echo "(read-ahead-N: download and its sha256; java: the main thread, chunking; encode-N: blob ids, compression,"
echo " encryption, verification, pack ids; upload-N: pack writes; process $server: the Qdrant stand-in)"
