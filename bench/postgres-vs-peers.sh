#!/usr/bin/env bash
# Compares `lifeboat backup postgres` (one stream, and --jobs 2) with what users script today, on
# the same generated RAG-like database (bench/make-rag-db.sh) in the same run: pg_dump -Fc -Z9,
# pg_dump | gzip -9, pg_dump -Fc -Z0 | zstd, pg_dump -Fc -Z0 | restic backup --stdin, and the
# baseline pg_dump -Fc -Z0 > /dev/null. Reports wall time, stored bytes on day 1, stored bytes
# added on day 2 (after a 2% change: 1% documents appended, 1% of chunks updated; for the tools
# that write one file per day, that day's whole file) and restore time, then checks the targets
# of issue #4.
# Usage: bench/postgres-vs-peers.sh [DOCUMENTS (default 60000: ~1.1 GB on disk)] [WORKDIR (default /tmp/lifeboat-pg-bench)]
# SLOW_PEERS=0 skips pg_dump -Fc -Z9 and pg_dump | gzip -9, which take many minutes each (their
# day-2 cost is another full dump) and are reported as skipped.
# Needs PostgreSQL server binaries (scripts/install-deps) and installs restic when missing.
# Heavy: do not run it on a shared machine at the default size.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
docs="${1:-60000}"
work="${2:-/tmp/lifeboat-pg-bench}"
chunks_per_doc=5
dim=768
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "PostgreSQL not installed: run scripts/install-deps" >&2; exit 1; }
command -v restic >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get update -qq; DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq restic >/dev/null; }
command -v zstd >/dev/null || { echo "zstd missing: run scripts/install-deps" >&2; exit 1; }

rm -rf "$work"; mkdir -p "$work/pg"; chmod 755 "$work"
as_pg=(); if [ "$(id -u)" -eq 0 ]; then chown postgres: "$work/pg"; as_pg=(runuser -u postgres --); fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export PGPASSWORD="bench-db-password" PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres
echo "$PGPASSWORD" > "$work/pg/pw"; [ "$(id -u)" -eq 0 ] && chown postgres: "$work/pg/pw"
"${as_pg[@]}" "$bin/initdb" -D "$work/pg/data" -U postgres --auth=scram-sha-256 --pwfile="$work/pg/pw" -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -s -o "-p $port -k $work/pg -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c max_wal_size=4GB" start
trap '"${as_pg[@]}" "$bin/pg_ctl" -D "$work/pg/data" -m fast -w -s stop || true' EXIT
psql() { "$bin/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

echo "generating $docs documents with $chunks_per_doc chunks of $dim-dimensional embeddings…"
export PG_BIN="$bin" CHUNKS_PER_DOC="$chunks_per_doc" DIM="$dim"
"$here/bench/make-rag-db.sh" create rag "$docs"
dbsize=$(psql -d rag -At -c "SELECT pg_database_size('rag')")
echo "database: $((dbsize / 1048576)) MiB on disk"

"$here/lifeboat" --version >/dev/null   # builds if needed, outside the timings
# Timed runs measure Lifeboat, not the launcher's scan of the sources for changes (as an installed copy).
export LIFEBOAT_NO_BUILD=1
export LIFEBOAT_PASSWORD="bench-password" RESTIC_PASSWORD="bench-password" LIFEBOAT_PROGRESS=0 LIFEBOAT_PG_BIN="$bin"
"$here/lifeboat" init --repo "$work/lb" >/dev/null
"$here/lifeboat" init --repo "$work/lb2" >/dev/null
restic init --repo "$work/restic" >/dev/null 2>&1
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }
size() { du -sb "$1" | cut -f1; }
dump() { "$bin/pg_dump" -d rag "$@"; }

log() { printf '  day %s: %-26s %8.1fs %14s bytes\n' "$1" "$2" "$3" "${4:--}"; }
run_day() { # day
  local d=$1 s
  s=$(now); dump -Fc -Z0 > /dev/null; t_z0[$d]=$(secs "$s" "$(now)"); log "$d" "pg_dump -Fc -Z0 >/dev/null" "${t_z0[$d]}"
  if [ "$slow" = 1 ]; then
    s=$(now); dump -Fc -Z9 > "$work/z9-$d.dump"; t_z9[$d]=$(secs "$s" "$(now)"); b_z9[$d]=$(size "$work/z9-$d.dump")
    log "$d" "pg_dump -Fc -Z9" "${t_z9[$d]}" "${b_z9[$d]}"
    s=$(now); dump | gzip -9 > "$work/plain-$d.sql.gz"; t_gz[$d]=$(secs "$s" "$(now)"); b_gz[$d]=$(size "$work/plain-$d.sql.gz")
    log "$d" "pg_dump | gzip -9" "${t_gz[$d]}" "${b_gz[$d]}"
  fi
  s=$(now); dump -Fc -Z0 | zstd -q -3 > "$work/z0-$d.dump.zst"; t_zs[$d]=$(secs "$s" "$(now)"); b_zs[$d]=$(size "$work/z0-$d.dump.zst")
  log "$d" "pg_dump -Fc -Z0 | zstd" "${t_zs[$d]}" "${b_zs[$d]}"
  local before; before=$(size "$work/restic")
  s=$(now); dump -Fc -Z0 | restic backup --repo "$work/restic" --stdin --stdin-filename rag.dump -q >/dev/null; t_rs[$d]=$(secs "$s" "$(now)")
  b_rs[$d]=$(( $(size "$work/restic") - before )); log "$d" "restic backup --stdin" "${t_rs[$d]}" "${b_rs[$d]}"
  before=$(size "$work/lb")
  s=$(now); "$here/lifeboat" backup postgres --repo "$work/lb" --url "postgresql://postgres@127.0.0.1:$port/rag" >/dev/null; t_lb[$d]=$(secs "$s" "$(now)")
  b_lb[$d]=$(( $(size "$work/lb") - before )); log "$d" "lifeboat backup postgres" "${t_lb[$d]}" "${b_lb[$d]}"
  before=$(size "$work/lb2")
  s=$(now); "$here/lifeboat" backup postgres --repo "$work/lb2" --jobs 2 --url "postgresql://postgres@127.0.0.1:$port/rag" >/dev/null; t_lj[$d]=$(secs "$s" "$(now)")
  b_lj[$d]=$(( $(size "$work/lb2") - before )); log "$d" "lifeboat ... --jobs 2" "${t_lj[$d]}" "${b_lj[$d]}"
}
slow="${SLOW_PEERS:-1}"
declare -A t_z0 t_z9 t_gz t_zs t_rs t_lb t_lj b_z9 b_gz b_zs b_rs b_lb b_lj
echo "day 1 backups…"; run_day 1
echo "2% change: 1% documents appended, 1% of chunks updated…"
"$here/bench/make-rag-db.sh" append rag $((docs + 1)) $((docs / 100))
"$here/bench/make-rag-db.sh" update rag $((docs * chunks_per_doc / 100))
echo "day 2 backups…"; run_day 2

echo "restores…"
restore_time() { # name command…
  psql -d postgres -c "DROP DATABASE IF EXISTS r" -c "CREATE DATABASE r"; local s; s=$(now); "$@"; secs "$s" "$(now)"
}
if [ "$slow" = 1 ]; then
  r_z9=$(restore_time "$bin/pg_restore" -d r "$work/z9-2.dump"); echo "  restore pg_dump -Fc -Z9: ${r_z9}s"
  r_gz=$(restore_time sh -c "gunzip -c '$work/plain-2.sql.gz' | '$bin/psql' -X -q -d r >/dev/null"); echo "  restore gzip: ${r_gz}s"
fi
r_zs=$(restore_time sh -c "zstd -dc '$work/z0-2.dump.zst' | '$bin/pg_restore' -d r"); echo "  restore zstd: ${r_zs}s"
r_rs=$(restore_time sh -c "restic dump --repo '$work/restic' latest /rag.dump | '$bin/pg_restore' -d r"); echo "  restore restic: ${r_rs}s"
psql -d postgres -c "DROP DATABASE IF EXISTS r"
s=$(now); "$here/lifeboat" restore latest --repo "$work/lb" --url "postgresql://postgres@127.0.0.1:$port/postgres" --target-db r >/dev/null; r_lb=$(secs "$s" "$(now)"); echo "  restore lifeboat: ${r_lb}s"
psql -d postgres -c "DROP DATABASE IF EXISTS r"
s=$(now); "$here/lifeboat" restore latest --repo "$work/lb2" --jobs 2 --url "postgresql://postgres@127.0.0.1:$port/postgres" --target-db r >/dev/null; r_lj=$(secs "$s" "$(now)"); echo "  restore lifeboat --jobs 2: ${r_lj}s"

mib() { echo "scale=1; $1 / 1048576" | bc; }
printf '\n%s cores, database %s MiB on disk, dump (-Fc -Z0) in %.1fs\n' "$(nproc)" "$((dbsize / 1048576))" "${t_z0[1]}"
printf '%-26s %10s %14s %16s %10s\n' tool "backup s" "day 1 MiB" "day 2 MiB added" "restore s"
printf '%-26s %10.1f %14s %16s %10s\n' "pg_dump -Fc -Z0 >/dev/null" "${t_z0[1]}" - - -
if [ "$slow" = 1 ]; then
  printf '%-26s %10.1f %14s %16s %10.1f\n' "pg_dump -Fc -Z9" "${t_z9[1]}" "$(mib "${b_z9[1]}")" "$(mib "${b_z9[2]}")" "$r_z9"
  printf '%-26s %10.1f %14s %16s %10.1f\n' "pg_dump | gzip -9" "${t_gz[1]}" "$(mib "${b_gz[1]}")" "$(mib "${b_gz[2]}")" "$r_gz"
else
  printf '%-26s %10s\n' "pg_dump -Fc -Z9" skipped "pg_dump | gzip -9" skipped
fi
printf '%-26s %10.1f %14s %16s %10.1f\n' "pg_dump -Fc -Z0 | zstd" "${t_zs[1]}" "$(mib "${b_zs[1]}")" "$(mib "${b_zs[2]}")" "$r_zs"
printf '%-26s %10.1f %14s %16s %10.1f\n' "restic backup --stdin" "${t_rs[1]}" "$(mib "${b_rs[1]}")" "$(mib "${b_rs[2]}")" "$r_rs"
printf '%-26s %10.1f %14s %16s %10.1f\n' "lifeboat backup postgres" "${t_lb[1]}" "$(mib "${b_lb[1]}")" "$(mib "${b_lb[2]}")" "$r_lb"
printf '%-26s %10.1f %14s %16s %10.1f\n' "lifeboat ... --jobs 2" "${t_lj[1]}" "$(mib "${b_lj[1]}")" "$(mib "${b_lj[2]}")" "$r_lj"
echo
printf 'lifeboat / pg_dump -Z0 >/dev/null: %.2fx (target <= 1.15); with --jobs 2: %.2fx\n' "$(echo "${t_lb[1]} / ${t_z0[1]}" | bc -l)" "$(echo "${t_lj[1]} / ${t_z0[1]}" | bc -l)"
[ "$slow" = 1 ] && printf 'pg_dump | gzip -9 / lifeboat:       %.2fx (target >= 3)\n' "$(echo "${t_gz[1]} / ${t_lb[1]}" | bc -l)"
printf 'day-2 bytes lifeboat / restic:      %.2fx (target <= 1)\n' "$(echo "${b_lb[2]} / ${b_rs[2]}" | bc -l)"
printf 'day 2 backup times: pg_dump -Z0 %.1fs, lifeboat %.1fs, lifeboat --jobs 2 %.1fs, restic %.1fs\n' "${t_z0[2]}" "${t_lb[2]}" "${t_lj[2]}" "${t_rs[2]}"
echo "restic $(restic version | cut -d' ' -f2); times include each tool's start-up; page cache warm for all."
