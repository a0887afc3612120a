# Set-up shared by the PostgreSQL benchmarks, sourced after they set $here and $work: finds
# PostgreSQL's binaries ($bin), installs pgBackRest when missing, builds the CLI ($java, $jar),
# and makes $work a fresh directory owned by postgres, since the server runs archive_command (and
# owns restored data directories) as that user; $as_pg runs a command as that user when we are root.
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "PostgreSQL not installed: run scripts/install-deps" >&2; exit 1; }
sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
command -v pgbackrest >/dev/null || { $sudo apt-get update -qq; DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq pgbackrest >/dev/null; }
java="${LIFEBOAT_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
jar="$here/lifeboat-cli/target/lifeboat.jar"
"$here/lifeboat" --version >/dev/null   # builds if needed, outside the timings
# Timed runs measure Lifeboat, not the launcher's scan of the sources for changes (as an installed copy).
export LIFEBOAT_NO_BUILD=1
rm -rf "$work"; mkdir -p "$work"; chmod 755 "$work"
as_pg=(); if [ "$(id -u)" -eq 0 ]; then chown postgres: "$work"; as_pg=(runuser -u postgres --); fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# pgbackrest_stanza PORT [OPTION=VALUE…]: writes $work/pgbackrest.conf, a repository in $work/pgbr
# and the stanza 'bench' for the cluster in $work/data listening on PORT and on a socket in $work,
# with the options both benchmarks use and the script's own global OPTION=VALUE after them; then
# creates the stanza through the script's run(), which passes the database password.
pgbackrest_stanza() {
  local port="$1"; shift
  {
    printf '%s\n' "[global]" "repo1-path=$work/pgbr" "compress-type=zst" "process-max=2" \
        "log-level-console=warn" "log-level-file=off" "lock-path=$work/pgbr-lock" "$@"
    printf '%s\n' "[bench]" "pg1-path=$work/data" "pg1-port=$port" "pg1-socket-path=$work"
  } > "$work/pgbackrest.conf"
  chown --reference="$work" "$work/pgbackrest.conf"
  run pgbackrest --config="$work/pgbackrest.conf" --stanza=bench stanza-create >/dev/null
}
