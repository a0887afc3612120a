package io.lifeboat.repository.wal;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.repository.wal.WalArchive.WalFile;
import io.lifeboat.repository.wal.WalChain.BaseBackup;
import io.lifeboat.repository.wal.WalChain.Gap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WalChainTest {
    private static final String SYS = "7312345678901234567";
    private static final long SIZE = WalChain.DEFAULT_SEGMENT_SIZE;

    @Test
    void completeChainHasNoGap() {
        List<WalFile> files = segments("00000001", 3, 10);
        assertThat(WalChain.gaps(files, List.of(backup("a", "00000001", 3, 4)))).isEmpty();
    }

    @Test
    void missingSegmentsAreReportedAsRangesWithTheBackupsTheyAffect() {
        List<WalFile> files = new ArrayList<>(segments("00000001", 3, 0x104));
        files.removeIf(f -> f.name().equals(seg("00000001", 6)));
        files.removeIf(f -> f.name().compareTo(seg("00000001", 0xF0)) >= 0 && f.name().compareTo(seg("00000001", 0x102)) <= 0);
        List<Gap> gaps = WalChain.gaps(files, List.of(backup("a", "00000001", 3, 4), backup("b", "00000001", 0x20, 0x21)));
        assertThat(gaps).hasSize(2);
        assertThat(gaps.get(0).first()).isEqualTo("000000010000000000000006");
        assertThat(gaps.get(0).last()).isEqualTo("000000010000000000000006");
        assertThat(gaps.get(0).count()).isEqualTo(1);
        assertThat(gaps.get(0).affectedSnapshots()).containsExactly("a");
        assertThat(gaps.get(0).object()).isEqualTo("wal/" + SYS + "/00000001/000000010000000000000006");
        // Crosses the "log id" boundary: segment FF is followed by 000000010000000100000000.
        assertThat(gaps.get(1).first()).isEqualTo("0000000100000000000000F0");
        assertThat(gaps.get(1).last()).isEqualTo("000000010000000100000002");
        assertThat(gaps.get(1).count()).isEqualTo(0x102 - 0xF0 + 1);
        assertThat(gaps.get(1).affectedSnapshots()).containsExactly("a", "b");
    }

    @Test
    void segmentsOlderThanEveryBackupAreNeverAGap() {
        List<WalFile> files = new ArrayList<>(segments("00000001", 1, 8));
        files.removeIf(f -> f.name().equals(seg("00000001", 2)));
        assertThat(WalChain.gaps(files, List.of(backup("a", "00000001", 4, 5)))).isEmpty();
    }

    @Test
    void missingStartOrStopOfABackupIsAGap() {
        List<WalFile> files = segments("00000001", 5, 6);
        List<Gap> gaps = WalChain.gaps(files, List.of(backup("a", "00000001", 3, 8)));
        assertThat(gaps).extracting(Gap::first).containsExactly(seg("00000001", 3), seg("00000001", 7));
        assertThat(gaps).extracting(Gap::last).containsExactly(seg("00000001", 4), seg("00000001", 8));
    }

    @Test
    void aNewTimelineIsCheckedFromItsFirstSegment() {
        List<WalFile> files = new ArrayList<>(segments("00000001", 3, 9));
        files.addAll(segments("00000002", 9, 14));
        files.add(file("00000002.history"));
        files.removeIf(f -> f.name().equals(seg("00000002", 12)));
        List<Gap> gaps = WalChain.gaps(files, List.of(backup("a", "00000001", 3, 4)));
        assertThat(gaps).singleElement().satisfies(g -> {
            assertThat(g.timeline()).isEqualTo("00000002");
            assertThat(g.first()).isEqualTo(seg("00000002", 12));
        });
    }

    @Test
    void walOlderThanTheOldestRetainedBackupIsRemovableExceptHistoryFiles() {
        List<WalFile> files = new ArrayList<>(segments("00000001", 1, 9));
        files.add(file(seg("00000001", 2) + ".00000028.backup"));
        files.add(file(seg("00000001", 7) + ".00000028.backup"));
        files.add(file("00000002.history"));
        files.addAll(segments("00000002", 9, 12));
        List<WalFile> gone = WalChain.removable(files, List.of(backup("b", "00000001", 7, 7), backup("c", "00000002", 11, 11)));
        assertThat(gone).extracting(WalFile::name).containsExactlyInAnyOrder(seg("00000001", 1), seg("00000001", 2),
                seg("00000001", 2) + ".00000028.backup", seg("00000001", 3), seg("00000001", 4), seg("00000001", 5),
                seg("00000001", 6));
    }

    @Test
    void withoutARetainedBackupNothingIsRemovable() {
        assertThat(WalChain.removable(segments("00000001", 1, 9), List.of())).isEmpty();
        assertThat(WalChain.removable(segments("00000001", 1, 9), List.of(new BaseBackup("x", "42", seg("00000001", 8),
                seg("00000001", 8), SIZE)))).isEmpty();
    }

    private static BaseBackup backup(String id, String tli, long start, long stop) {
        return new BaseBackup(id, SYS, seg(tli, start), seg(tli, stop), SIZE);
    }

    private static List<WalFile> segments(String tli, long from, long to) {
        List<WalFile> out = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            out.add(file(seg(tli, s)));
        }
        return out;
    }

    private static WalFile file(String name) {
        return new WalFile(SYS, name, 100, Instant.EPOCH);
    }

    private static String seg(String tli, long segno) {
        return WalChain.name(tli, segno, SIZE);
    }
}
