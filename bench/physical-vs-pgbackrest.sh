#!/usr/bin/env bash
# Physical backups, Lifeboat against pgBackRest (zst, process-max 2), on the same generated cluster
# (pgbench -i -s SCALE) in the same run, one archive_command feeding both tools' WAL archives:
#   1. full base backup: wall time and stored bytes (backup part of each repository; the WAL
#      archives, which hold the same segments, are reported apart);
#   2. after a 2% change (UPDATE of 2% of pgbench_accounts in one contiguous aid range, INSERT of 2%
#      new rows): pgbackrest backup --type=incr against a second `lifeboat backup postgres --mode
#      physical` (it stores only the 128 KiB chunks that changed): time and stored bytes added;
#   3. restore into a fresh directory: pgbackrest restore against lifeboat restore postgres
#      --data-dir (no --start), each timed; then both restored clusters are started (as postgres,
#      on free ports, archive_mode off), recover to the end of the archive, and must give the same
#      sum(abalance), count(*) of pgbench_accounts as the source.
# Targets (issue 5): full backup within 1.2x of pgBackRest's time; incremental smaller than its.
# Lifeboat's WAL path in the archive_command (after pgbackrest archive-push): WAL_PATH=daemon (the
# default) runs 'lifeboat serve --wal-socket' from before the timings and pushes with
# lifeboat-wal-push; WAL_PATH=jvm runs 'java -jar lifeboat.jar wal push', a JVM per segment.
# Lifeboat commands run through ./lifeboat (with its start-up cache), as a user would run them.
# Usage: bench/physical-vs-pgbackrest.sh [SCALE (default 50: ~750 MB)] [WORKDIR (default /tmp/lifeboat-phys-bench)]
# Needs PostgreSQL server binaries (scripts/install-deps) and installs pgbackrest when missing.
# Heavy at the default scale: do not run it on a shared machine.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
scale="${1:-50}"
work="${2:-/tmp/lifeboat-phys-bench}"
wal_path="${WAL_PATH:-daemon}"
case $wal_path in daemon|jvm) ;; *) echo "WAL_PATH must be daemon or jvm" >&2; exit 2 ;; esac
# shellcheck source=bench/pg-common.sh
source "$here/bench/pg-common.sh"
run() { "${as_pg[@]}" env LIFEBOAT_PROGRESS=0 LIFEBOAT_PG_BIN="$bin" PGPASSWORD=bench-db-password "$@"; }
port=$(free_port)
export PGPASSWORD="bench-db-password" PGHOST=127.0.0.1 PGUSER=postgres
run sh -c "umask 077; echo '$PGPASSWORD' > '$work/pw'; echo bench-password > '$work/lb-password'"
started=("$work/data")
cleanup() {
  [ -f "$work/serve.pid" ] && kill -TERM "$(cat "$work/serve.pid")" 2>/dev/null
  for d in "${started[@]}"; do [ -f "$d/postmaster.pid" ] && run "$bin/pg_ctl" -D "$d" -m immediate -w -s stop >/dev/null 2>&1 || true; done
  [ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
run "$bin/initdb" -D "$work/data" -U postgres --auth=scram-sha-256 --pwfile="$work/pw" -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
# Archiving is on from the start but discards WAL until the data is loaded: the load's WAL precedes
# the first base backup, so no tool needs it. (In postgresql.auto.conf, for ALTER SYSTEM to replace.)
run sh -c "echo \"archive_command = '/bin/true'\" >> '$work/data/postgresql.auto.conf'"
run "$bin/pg_ctl" -D "$work/data" -l "$work/log" -w -s -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c max_wal_size=4GB -c checkpoint_timeout=1h -c wal_level=replica -c archive_mode=on" start
psql() { "$bin/psql" -X -q -v ON_ERROR_STOP=1 -p "$1" -d postgres "${@:2}"; }

echo "generating the cluster: pgbench -i -s $scale…"
"$bin/pgbench" -i -q -s "$scale" -p "$port" postgres > "$work/pgbench.log" 2>&1 || { cat "$work/pgbench.log" >&2; exit 1; }
tail -1 "$work/pgbench.log"
echo "cluster: $(( $(psql "$port" -At -c "SELECT sum(pg_database_size(oid)) FROM pg_database") / 1048576 )) MiB on disk"

pgbackrest_stanza "$port" repo1-retention-full=2 start-fast=y archive-timeout=600 "spool-path=$work/pgbr-spool"
pgbr() { run pgbackrest --config="$work/pgbackrest.conf" --stanza=bench "$@"; }
lb() { run env LIFEBOAT_NO_BUILD=1 "$here/lifeboat" "$@" --repo "$work/lb" --password-file "$work/lb-password"; }
lb init >/dev/null
if [ "$wal_path" = daemon ]; then
  # sh execs the launcher, which execs java: the recorded pid is the daemon's.
  run sh -c 'echo $$ > "$1/serve.pid"; exec env LIFEBOAT_NO_BUILD=1 "$2/lifeboat" serve --quiet --repo "$1/lb" --password-file "$1/lb-password" --wal-socket "$1/wal.sock"' \
      serve "$work" "$here" 2> "$work/serve.log" &
  for _ in $(seq 1 300); do [ -S "$work/wal.sock" ] && break; sleep 0.1; done
  [ -S "$work/wal.sock" ] || { echo "lifeboat serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
  push_lb="$(dirname "$jar")/lifeboat-wal-push --socket $work/wal.sock --repo $work/lb --password-file $work/lb-password -- %p"
else
  push_lb="$java -jar $jar wal push --quiet --repo $work/lb --password-file $work/lb-password %p"
fi
psql "$port" -c "ALTER SYSTEM SET archive_command = 'pgbackrest --config=$work/pgbackrest.conf --stanza=bench archive-push %p && $push_lb'" -c "SELECT pg_reload_conf()" >/dev/null

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }
size() { du -sb "$1" 2>/dev/null | cut -f1; }
lb_backup_bytes() { echo $(( $(size "$work/lb") - $(size "$work/lb/wal") )); }
pgbr_backup_bytes() { size "$work/pgbr/backup"; }
# Both tools start from the same point: WAL switched and archived by both, nothing pending.
settle() {
  psql "$port" -c "CHECKPOINT" >/dev/null
  local seg; seg=$(psql "$port" -At -c "SELECT pg_walfile_name(pg_switch_wal())")
  for _ in $(seq 1200); do
    [ "$(psql "$port" -At -c "SELECT coalesce(last_archived_wal, '') >= '$seg' FROM pg_stat_archiver")" = t ] && return 0
    sleep 0.5
  done
  echo "WAL $seg not archived after 10 minutes: see $work/log" >&2; exit 1
}

echo "full backups…"
settle
s=$(now); pgbr backup --type=full; t_full_pgbr=$(secs "$s" "$(now)"); b_full_pgbr=$(pgbr_backup_bytes)
printf '  %-28s %8.1fs %14s bytes\n' "pgbackrest backup --type=full" "$t_full_pgbr" "$b_full_pgbr"
settle
s=$(now); lb backup postgres --mode physical --url "postgresql://postgres@127.0.0.1:$port/postgres" >/dev/null
t_full_lb=$(secs "$s" "$(now)"); b_full_lb=$(lb_backup_bytes)
printf '  %-28s %8.1fs %14s bytes\n' "lifeboat backup (physical)" "$t_full_lb" "$b_full_lb"

rows=$((scale * 100000)); change=$((rows / 50)); from=$((rows / 2))
echo "2% change: UPDATE of $change accounts (aid $from…$((from + change - 1))), INSERT of $change accounts…"
psql "$port" -c "UPDATE pgbench_accounts SET abalance = abalance + 7 WHERE aid BETWEEN $from AND $((from + change - 1))" \
  -c "INSERT INTO pgbench_accounts (aid, bid, abalance, filler) SELECT g, (g - 1) / 100000 + 1, 1, '' FROM generate_series($((rows + 1)), $((rows + change))) g"

echo "incremental backups…"
settle
s=$(now); pgbr backup --type=incr; t_incr_pgbr=$(secs "$s" "$(now)"); b_incr_pgbr=$(( $(pgbr_backup_bytes) - b_full_pgbr ))
printf '  %-28s %8.1fs %14s bytes added\n' "pgbackrest backup --type=incr" "$t_incr_pgbr" "$b_incr_pgbr"
settle
s=$(now); lb backup postgres --mode physical --url "postgresql://postgres@127.0.0.1:$port/postgres" >/dev/null
t_incr_lb=$(secs "$s" "$(now)"); b_incr_lb=$(( $(lb_backup_bytes) - b_full_lb ))
printf '  %-28s %8.1fs %14s bytes added\n' "lifeboat backup (2nd, dedup)" "$t_incr_lb" "$b_incr_lb"
settle
expected=$(psql "$port" -At -c "SELECT sum(abalance) || ' ' || count(*) FROM pgbench_accounts")
w_pgbr=$(size "$work/pgbr/archive"); w_lb=$(size "$work/lb/wal")

echo "restores (latest backup, to the end of the archive)…"
run mkdir -m 700 "$work/r-pgbr"
s=$(now); pgbr restore --pg1-path="$work/r-pgbr"; t_rest_pgbr=$(secs "$s" "$(now)")
printf '  %-28s %8.1fs\n' "pgbackrest restore" "$t_rest_pgbr"
s=$(now); lb restore postgres --data-dir "$work/r-lb" >/dev/null; t_rest_lb=$(secs "$s" "$(now)")
printf '  %-28s %8.1fs\n' "lifeboat restore postgres" "$t_rest_lb"

verify() { # name data-dir
  local p; p=$(free_port); started+=("$2")
  run "$bin/pg_ctl" -D "$2" -l "$work/log-$1" -w -s -t 3600 -o "-p $p -k $work -c listen_addresses=127.0.0.1 -c archive_mode=off" start
  local got; got=$(psql "$p" -At -c "SELECT sum(abalance) || ' ' || count(*) FROM pgbench_accounts")
  run "$bin/pg_ctl" -D "$2" -m fast -w -s stop
  if [ "$got" = "$expected" ]; then echo "  $1: started, recovered, sum(abalance) count(*) = $got (same as the source)"
  else echo "  $1: MISMATCH: $got, the source has $expected" >&2; mismatch=1; fi
}
mismatch=0
echo "checking the restored clusters…"
verify pgbackrest "$work/r-pgbr"
verify lifeboat "$work/r-lb"

ratio() { echo "scale=2; $1 / $2" | bc | sed 's/^\./0./'; }
echo
printf '%-16s %12s %14s %12s %16s %12s\n' "tool (scale $scale)" "full s" "full bytes" "incr s" "incr bytes added" "restore s"
printf '%-16s %12.1f %14s %12.1f %16s %12.1f\n' pgbackrest "$t_full_pgbr" "$b_full_pgbr" "$t_incr_pgbr" "$b_incr_pgbr" "$t_rest_pgbr"
printf '%-16s %12.1f %14s %12.1f %16s %12.1f\n' lifeboat "$t_full_lb" "$b_full_lb" "$t_incr_lb" "$b_incr_lb" "$t_rest_lb"
printf '%-16s %12s %14s %12s %16s %12s\n' "lifeboat/pgbr" "$(ratio "$t_full_lb" "$t_full_pgbr")x" "$(ratio "$b_full_lb" "$b_full_pgbr")x" \
  "$(ratio "$t_incr_lb" "$t_incr_pgbr")x" "$(ratio "$b_incr_lb" "$b_incr_pgbr")x" "$(ratio "$t_rest_lb" "$t_rest_pgbr")x"
echo "WAL archives (same segments, pushed by the one archive_command): pgbackrest $w_pgbr bytes, lifeboat $w_lb bytes"
echo "Lifeboat's WAL path: $wal_path"
[ "$wal_path" = daemon ] && echo "pushes that fell back to a JVM: $(grep -c 'pushing directly' "$work/log" || true)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "targets (issue 5): full backup within 1.2x of pgBackRest's time: $(echo "$t_full_lb <= 1.2 * $t_full_pgbr" | bc | sed 's/1/met/;s/0/NOT met/');" \
  "incremental smaller than pgBackRest's: $(echo "$b_incr_lb < $b_incr_pgbr" | bc | sed 's/1/met/;s/0/NOT met/')"
exit "$mismatch"
