package io.lifeboat.repository.wal;

import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.repository.wal.WalArchive.WalFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The WAL chain of a repository judged against its physical base backups: which segments are
 * missing ({@code check}) and which files no retained base backup needs ({@code prune}). Pure
 * computation over listings; thread safe.
 *
 * <p><b>Gaps.</b> For each system and timeline, every segment from the first one that matters up
 * to the newest archived one (or the last segment a base backup needs, if later) must be there.
 * The first one that matters is the oldest base backup's start segment on that timeline, or, on
 * a timeline no backup started on (one created by a promotion), its first archived segment not
 * older than the system's oldest base backup. Segments older than every base backup are never
 * needed and so never a gap. Without any base backup, the archived range of each timeline is
 * checked.
 *
 * <p><b>Removal.</b> Per system, a WAL file whose segment number is older than the start segment
 * of the oldest retained base backup (on any timeline) is no longer needed: segments, {@code
 * .partial} and {@code .backup} files. {@code .history} files are always kept: they are tiny and
 * recovery across timelines reads all of them. A system without any retained base backup keeps
 * all its WAL (it may belong to a backup being taken, and deleting it would be irreversible).
 */
public final class WalChain {
    /** PostgreSQL's default; used when a backup did not record its segment size. */
    public static final long DEFAULT_SEGMENT_SIZE = 16L * 1024 * 1024;

    /** The WAL facts of one physical base backup, as its snapshot's metadata records them. */
    public record BaseBackup(String snapshot, String systemId, String startWalFile, String stopWalFile, long segmentSize) {
        /** The base backup a snapshot holds, or empty for a snapshot of another kind. */
        public static Optional<BaseBackup> of(Snapshot s) {
            Map<String, Object> md = s.metadata();
            if (md.get("system_identifier") instanceof String sys && md.get("start_wal_file") instanceof String start
                    && WalArchive.isWalFileName(start) && start.length() == 24) {
                String stop = md.get("stop_wal_file") instanceof String t && t.length() == 24 && WalArchive.isWalFileName(t)
                        ? t : start;
                long size = md.get("wal_segment_size") instanceof Number n && n.longValue() > 0 ? n.longValue()
                        : DEFAULT_SEGMENT_SIZE;
                return Optional.of(new BaseBackup(s.id().hex(), sys, start, stop, size));
            }
            return Optional.empty();
        }
    }

    /**
     * Segments missing in a row.
     *
     * @param first the first missing segment's name
     * @param last the last one's (equal to {@code first} for a single segment)
     * @param count how many
     * @param affectedSnapshots base backups that cannot be recovered up to or past the gap
     */
    public record Gap(String systemId, String timeline, String first, String last, long count,
            List<String> affectedSnapshots) {
        public Gap {
            affectedSnapshots = List.copyOf(affectedSnapshots);
        }

        /** The object the first missing segment would be stored as. */
        public String object() {
            return "wal/" + systemId + "/" + timeline + "/" + first;
        }
    }

    private WalChain() {}

    /** The gaps in {@code files} (all archived WAL) given every base backup in the repository. */
    public static List<Gap> gaps(List<WalFile> files, List<BaseBackup> backups) {
        List<Gap> out = new ArrayList<>();
        Map<String, Map<String, TreeSet<Long>>> segments = new TreeMap<>();
        for (WalFile f : files) {
            if (f.isSegment()) {
                long size = segmentSize(backups, f.systemId());
                segments.computeIfAbsent(f.systemId(), k -> new TreeMap<>())
                        .computeIfAbsent(f.timeline(), k -> new TreeSet<>()).add(segno(f.name(), size));
            }
        }
        for (BaseBackup b : backups) {
            segments.computeIfAbsent(b.systemId(), k -> new TreeMap<>())
                    .computeIfAbsent(b.startWalFile().substring(0, 8), k -> new TreeSet<>());
        }
        segments.forEach((sys, timelines) -> {
            long size = segmentSize(backups, sys);
            List<BaseBackup> ofSystem = backups.stream().filter(b -> b.systemId().equals(sys)).toList();
            Long oldest = ofSystem.stream().map(b -> segno(b.startWalFile(), size)).min(Long::compare).orElse(null);
            timelines.forEach((tli, have) -> {
                List<BaseBackup> onTimeline = ofSystem.stream().filter(b -> b.startWalFile().startsWith(tli)).toList();
                Long from = onTimeline.stream().map(b -> segno(b.startWalFile(), size)).min(Long::compare).orElse(null);
                Long firstArchived = oldest == null ? (have.isEmpty() ? null : have.first()) : have.ceiling(oldest);
                if (from == null || (firstArchived != null && firstArchived < from)) {
                    from = firstArchived;
                }
                if (from == null) {
                    return;
                }
                long to = have.isEmpty() ? from : have.last();
                for (BaseBackup b : onTimeline) {
                    to = Math.max(to, segno(b.stopWalFile(), size));
                }
                long expect = from;
                for (long s : have.subSet(from, true, to, true)) {
                    if (s > expect) {
                        out.add(gap(sys, tli, expect, s - 1, ofSystem, size));
                    }
                    expect = s + 1;
                }
                if (expect <= to) {
                    out.add(gap(sys, tli, expect, to, ofSystem, size));
                }
            });
        });
        return out;
    }

    /**
     * The WAL files no retained base backup needs, in listing order.
     *
     * @param retained the base backups that stay (held ones included)
     */
    public static List<WalFile> removable(List<WalFile> files, List<BaseBackup> retained) {
        Map<String, Long> oldest = new LinkedHashMap<>();
        for (BaseBackup b : retained) {
            oldest.merge(b.systemId(), segno(b.startWalFile(), b.segmentSize()), Math::min);
        }
        List<WalFile> out = new ArrayList<>();
        for (WalFile f : files) {
            Long keepFrom = oldest.get(f.systemId());
            if (keepFrom == null || f.name().endsWith(".history")) {
                continue;
            }
            if (segno(f.name().substring(0, 24), segmentSize(retained, f.systemId())) < keepFrom) {
                out.add(f);
            }
        }
        return out;
    }

    private static Gap gap(String sys, String tli, long first, long last, List<BaseBackup> backups, long size) {
        return new Gap(sys, tli, name(tli, first, size), name(tli, last, size), last - first + 1,
                affected(backups, last, size));
    }

    private static List<String> affected(List<BaseBackup> backups, long gapEnd, long size) {
        return backups.stream().filter(b -> segno(b.startWalFile(), size) <= gapEnd).map(BaseBackup::snapshot).sorted()
                .toList();
    }

    private static long segmentSize(List<BaseBackup> backups, String systemId) {
        return backups.stream().filter(b -> b.systemId().equals(systemId)).mapToLong(BaseBackup::segmentSize).findFirst()
                .orElse(DEFAULT_SEGMENT_SIZE);
    }

    /** The segment number of a 24-hex-digit segment name, whatever its timeline. */
    static long segno(String name, long segmentSize) {
        long perId = 0x100000000L / segmentSize;
        return Long.parseLong(name.substring(8, 16), 16) * perId + Long.parseLong(name.substring(16, 24), 16);
    }

    static String name(String timeline, long segno, long segmentSize) {
        long perId = 0x100000000L / segmentSize;
        return String.format("%s%08X%08X", timeline, segno / perId, segno % perId);
    }
}
