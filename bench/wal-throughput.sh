#!/usr/bin/env bash
# WAL archiving throughput in segments/s, on the same generated WAL in the same run:
#   1. lifeboat wal push, one JVM per segment (the archive_command path);
#   2. lifeboat wal receive (streaming from a physical replication slot, one JVM for all segments);
#   3. lifeboat-wal-push (archive_command's fast path), one sh + curl per segment handing it to a
#      running 'lifeboat serve' over its unix socket (the daemon's start is outside the timing);
#   4. pgbackrest archive-push, one process per segment (its archive_command path; zst, process-max 2).
# The cluster keeps the WAL in pg_wal through a slot created before the load, so every method
# reads the same segments; each stores into its own fresh repository.
# Usage: bench/wal-throughput.sh [SEGMENTS (default 16)] [WORKDIR (default /tmp/lifeboat-wal-bench)]
# Needs PostgreSQL server binaries (scripts/install-deps) and installs pgbackrest when missing.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
segments="${1:-16}"
work="${2:-/tmp/lifeboat-wal-bench}"
# shellcheck source=bench/pg-common.sh
source "$here/bench/pg-common.sh"
run() { "${as_pg[@]}" env LIFEBOAT_PASSWORD=bench-password LIFEBOAT_PROGRESS=0 PGPASSWORD=bench-db-password "$@"; }
port=$(free_port)
export PGPASSWORD="bench-db-password" PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres
run sh -c "echo '$PGPASSWORD' > '$work/pw'"
run "$bin/initdb" -D "$work/data" -U postgres --auth=scram-sha-256 --pwfile="$work/pw" -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
run "$bin/pg_ctl" -D "$work/data" -l "$work/log" -w -s -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c max_wal_size=4GB -c checkpoint_timeout=1h -c wal_level=replica -c archive_mode=off" start
trap 'run "$bin/pg_ctl" -D "$work/data" -m fast -w -s stop || true' EXIT
psql() { "$bin/psql" -X -q -v ON_ERROR_STOP=1 -d postgres "$@"; }

psql -c "SELECT pg_create_physical_replication_slot('bench', true)" >/dev/null
start_seg=$(psql -At -c "SELECT pg_walfile_name(pg_current_wal_lsn())")
echo "generating $segments segments of WAL (inserts)…"
psql -c "CREATE TABLE t (id bigint, v text)"
while [ "$(psql -At -c "SELECT floor((pg_current_wal_lsn() - '0/0'::pg_lsn) / 16777216)::int - x'${start_seg:16:8}'::int")" -lt "$segments" ]; do
  psql -c "INSERT INTO t SELECT g, md5(g::text) || repeat('x', 40) FROM generate_series(1, 200000) g"
done
last_seg=$(psql -At -c "SELECT pg_walfile_name(pg_switch_wal())")
psql -c "CHECKPOINT" >/dev/null
mkdir -p "$work/segs"
for f in "$work"/data/pg_wal/*; do
  n=$(basename "$f"); [[ "$n" =~ ^[0-9A-F]{24}$ ]] || continue
  [[ "$n" > "$start_seg" || "$n" == "$start_seg" ]] && [[ "$n" < "$last_seg" || "$n" == "$last_seg" ]] && cp "$f" "$work/segs/"
done
chown -R --reference="$work" "$work/segs"
count=$(ls "$work/segs" | wc -l)
echo "$count segments ($start_seg … $last_seg)"
now() { date +%s.%N; }
rate() { echo "scale=2; $count / ($2 - $1)" | bc; }
# CPU time (ticks) of this script's finished children, and of one running process: wall time on a
# shared machine moves by ±50%, CPU time per segment far less.
tick=$(getconf CLK_TCK)
children_cpu() { awk '{print $16 + $17}' "/proc/$$/stat"; }
process_cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ms_per_segment() { echo "$1 * 1000 / $tick / $count" | bc; }
sysid=$(psql -At -c "SELECT system_identifier FROM pg_control_system()")

# 1. wal push, a JVM per segment
run "$java" -jar "$jar" init --repo "$work/lb-push" >/dev/null
s=$(now)
for f in "$work"/segs/*; do run "$java" -jar "$jar" wal push --quiet --repo "$work/lb-push" --system-id "$sysid" "$f"; done
push_rate=$(rate "$s" "$(now)")

# 2. wal receive, streaming from the slot that kept the WAL
run "$java" -jar "$jar" init --repo "$work/lb-recv" >/dev/null
s=$(now)
run "$java" -jar "$jar" wal receive --json --repo "$work/lb-recv" --url "postgresql://postgres@127.0.0.1:$port/postgres" \
    --slot bench --spool "$work/spool" --until-lsn "$(psql -At -c "SELECT pg_current_wal_lsn()")" > "$work/receive.json"
recv_rate=$(rate "$s" "$(now)")
# Streaming runs for days: its start (JVM, key derivation, connecting) is paid once, not per segment.
recv_ms=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["duration_ms"])' "$work/receive.json")
recv_steady=$(echo "scale=2; $count * 1000 / $recv_ms" | bc)

# 3. the daemon fast path: lifeboat-wal-push (sh + curl) per segment to a running 'lifeboat serve'
run "$java" -jar "$jar" init --repo "$work/lb-daemon" >/dev/null
# sh execs java, so the pid it records is the daemon's (runuser would not pass SIGTERM on to it).
run sh -c 'echo $$ > "$1/serve.pid"; exec "$2" -jar "$3" serve --repo "$1/lb-daemon" --wal-socket "$1/wal.sock"' \
    serve "$work" "$java" "$jar" 2> "$work/serve.log" &
trap '[ -f "$work/serve.pid" ] && kill -TERM "$(cat "$work/serve.pid")" 2>/dev/null; run "$bin/pg_ctl" -D "$work/data" -m fast -w -s stop || true' EXIT
for _ in $(seq 1 300); do [ -S "$work/wal.sock" ] && break; sleep 0.1; done
[ -S "$work/wal.sock" ] || { echo "lifeboat serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
client="$(dirname "$jar")/lifeboat-wal-push"
s=$(now); c=$(children_cpu); d=$(process_cpu "$(cat "$work/serve.pid")")
for f in "$work"/segs/*; do
  run sh "$client" --socket "$work/wal.sock" --repo "$work/lb-daemon" -- "$f" 2>> "$work/client.err"
done
daemon_rate=$(rate "$s" "$(now)")
client_cpu=$(ms_per_segment $(( $(children_cpu) - c ))); daemon_cpu=$(ms_per_segment $(( $(process_cpu "$(cat "$work/serve.pid")") - d )))
kill -TERM "$(cat "$work/serve.pid")"; wait || true; rm -f "$work/serve.pid"
fallbacks=$(grep -c 'pushing directly' "$work/client.err" || true)
[ "$fallbacks" -eq 0 ] || echo "warning: $fallbacks pushes fell back to a JVM: $(head -1 "$work/client.err")" >&2

# 4. pgbackrest archive-push, a process per segment
pgbackrest_stanza "$port"
s=$(now); c=$(children_cpu)
for f in "$work"/segs/*; do run pgbackrest --config="$work/pgbackrest.conf" --stanza=bench archive-push "$f"; done
pgbr_rate=$(rate "$s" "$(now)")
pgbr_cpu=$(ms_per_segment $(( $(children_cpu) - c )))

du_lb_push=$(du -sb "$work/lb-push/wal" | cut -f1); du_lb_daemon=$(du -sb "$work/lb-daemon/wal" | cut -f1); du_lb_recv=$(du -sb "$work/lb-recv/wal" | cut -f1); du_pgbr=$(du -sb "$work/pgbr/archive" | cut -f1)
echo
printf "%-38s %10s %14s\n" "method ($count segments of 16 MiB)" "segments/s" "stored bytes"
printf "%-38s %10s %14s\n" "lifeboat wal push (JVM per segment)" "$push_rate" "$du_lb_push"
printf "%-38s %10s %14s\n" "lifeboat wal receive (streaming)" "$recv_rate" "$du_lb_recv"
printf "%-38s %10s %14s\n" "  same, without the JVM start" "$recv_steady" ""
printf "%-38s %10s %14s\n" "lifeboat-wal-push to lifeboat serve" "$daemon_rate" "$du_lb_daemon"
printf "%-38s %10s %14s\n" "pgbackrest archive-push (zst)" "$pgbr_rate" "$du_pgbr"
push_ms=$(grep -o 'bytes, [0-9]* ms)' "$work/serve.log" | grep -o '[0-9]* ms' | cut -d' ' -f1 | sort -n \
  | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)] " ms (slowest " a[NR] " ms)"}')
echo "lifeboat serve: median time to store one segment $push_ms; the rest of each push is sh, curl and the socket transfer"
echo "CPU time per segment: fast path $((client_cpu + daemon_cpu)) ms (lifeboat-wal-push $client_cpu ms, daemon $daemon_cpu ms), pgbackrest archive-push $pgbr_cpu ms"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "target (issue 5): archiving throughput at least pgBackRest's: wal receive $(echo "$recv_rate >= $pgbr_rate" | bc | sed 's/1/met/;s/0/NOT met/'), daemon fast path $(echo "$daemon_rate >= $pgbr_rate" | bc | sed 's/1/met/;s/0/NOT met/'), wal push $(echo "$push_rate >= $pgbr_rate" | bc | sed 's/1/met/;s/0/NOT met/')"
