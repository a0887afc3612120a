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
rm -rf "$work"; mkdir -p "$work"; chmod 755 "$work"
as_pg=(); if [ "$(id -u)" -eq 0 ]; then chown postgres: "$work"; as_pg=(runuser -u postgres --); fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
