#!/usr/bin/env bash
# Compares `lifeboat backup files` with `restic backup` on the same mixed tree in the same run:
# first backup, unchanged re-backup, and restore. Prints a table and the ratios.
# Usage: bench/files-vs-restic.sh [SIZE_MIB (default 2048)] [WORKDIR (default /tmp/lifeboat-bench)]
# The unchanged re-backup takes about a second and varies by ±20% from run to run on a shared
# machine, so it runs REBACKUP_RUNS times (default 7), alternating the tools, and the table gives
# each tool's median (every time is printed below it).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
size="${1:-2048}"
work="${2:-/tmp/lifeboat-bench}"
# Lifeboat derives keys with the system's Argon2 library when it is installed (scripts/install-deps
# installs it; it ships with most Debian systems), else in Java, about 0.1 s slower per command.
compgen -G '/usr/lib/*/libargon2.so.1' >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get update -qq; DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libargon2-1 >/dev/null; }
command -v restic >/dev/null || { sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo; $sudo apt-get update -qq; DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq restic >/dev/null; }
tree="$work/tree"
# The tree is kept between runs of the same size (generating it takes a minute); the rest is new.
if [ ! -f "$work/tree-$size.done" ]; then
  rm -rf "$work"; mkdir -p "$work"
  python3 "$here/bench/make-mixed-tree.py" "$tree" "$size" 7
  touch "$work/tree-$size.done"
fi
rm -rf "$work/lb" "$work/restic" "$work/lb-restore" "$work/restic-restore"
"$here/lifeboat" --version >/dev/null   # builds if needed, outside the timings
# Timed runs measure Lifeboat, not the launcher's scan of the sources for changes (as an installed copy).
export LIFEBOAT_NO_BUILD=1
export LIFEBOAT_PASSWORD="bench-password" RESTIC_PASSWORD="bench-password" LIFEBOAT_PROGRESS=0

# Every timed step starts with a cold page cache (where the kernel lets us drop it), so neither
# tool reads what the other one just warmed.
cold() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true; }
t() { local s e; cold; s=$(date +%s.%N); "$@" >/dev/null 2>"$work/last.err" || { cat "$work/last.err"; exit 1; }; e=$(date +%s.%N); echo "$e - $s" | bc; }
du_b() { du -sb "$1" | cut -f1; }

"$here/lifeboat" init --repo "$work/lb" >/dev/null
restic init --repo "$work/restic" >/dev/null 2>&1

lb1=$(t "$here/lifeboat" backup files --repo "$work/lb" "$tree")
rs1=$(t restic backup --repo "$work/restic" "$tree")
lb2s=(); rs2s=()
for _ in $(seq "${REBACKUP_RUNS:-7}"); do
  lb2s+=("$(t "$here/lifeboat" backup files --repo "$work/lb" "$tree")")
  rs2s+=("$(t restic backup --repo "$work/restic" "$tree")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END{print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
lb2=$(median "${lb2s[@]}"); rs2=$(median "${rs2s[@]}")
lbr=$(t "$here/lifeboat" restore latest --repo "$work/lb" --target "$work/lb-restore")
rsr=$(t restic restore latest --repo "$work/restic" --target "$work/restic-restore")
diff -r "$tree" "$work/lb-restore$tree" >/dev/null && lbok=identical || lbok=DIFFERENT
lbsize=$(du_b "$work/lb"); rssize=$(du_b "$work/restic"); src=$(du_b "$tree")

printf '\n%-28s %12s %12s %8s\n' "$(nproc) cores, tree $((src/1048576)) MiB" lifeboat restic "ratio"
printf '%-28s %11.2fs %11.2fs %7.2fx\n' "first backup" "$lb1" "$rs1" "$(echo "$rs1 / $lb1" | bc -l)"
printf '%-28s %11.2fs %11.2fs %7.2fx\n' "unchanged re-backup (median)" "$lb2" "$rs2" "$(echo "$rs2 / $lb2" | bc -l)"
printf '%-28s %11.2fs %11.2fs %7.2fx\n' "restore" "$lbr" "$rsr" "$(echo "$rsr / $lbr" | bc -l)"
printf '%-28s %10dMiB %10dMiB %7.2fx\n' "repository size" $((lbsize/1048576)) $((rssize/1048576)) "$(echo "$rssize / $lbsize" | bc -l)"
echo "ratio > 1 means Lifeboat is faster (smaller). Lifeboat restore: $lbok; restic $(restic version | cut -d' ' -f2)"
printf 'unchanged re-backups, in order: lifeboat'; printf ' %.2f' "${lb2s[@]}"; printf '; restic'; printf ' %.2f' "${rs2s[@]}"; echo
