package io.lifeboat.engine.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.core.tree.Tree;
import io.lifeboat.engine.check.Check;
import io.lifeboat.engine.check.CheckOptions;
import io.lifeboat.engine.check.CheckResult;
import io.lifeboat.repository.BackupWriter;
import io.lifeboat.repository.ClientContext;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.repository.lock.LockPolicy;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.repository.wal.WalArchive;
import io.lifeboat.testkit.storage.InMemoryStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * WAL in prune and check, on a repository in memory: two physical base backups (snapshots with the
 * metadata a physical backup records, over an empty tree) and the WAL segments around them.
 */
class WalRetentionTest {
    private static final String SYS = "7312345678901234567";
    private static final Instant NOW = Instant.parse("2026-06-01T10:00:00Z");
    private static final PruneOptions NOW_PRUNE = new PruneOptions(0, Long.MAX_VALUE, Duration.ZERO, false);

    private final InMemoryStorage storage = new InMemoryStorage();
    private final Repository repo = Repository.init(storage, "pw".toCharArray(), KdfParams.FAST, 1 << 20,
            new ClientContext("host-a", "alice", Clock.fixed(NOW, java.time.ZoneOffset.UTC), LockPolicy.DEFAULT));
    private final WalArchive wal = new WalArchive(storage, repo.codec());

    @Test
    void pruneDeletesTheWalOlderThanTheOldestRemainingBaseBackupAndKeepsHistoryFiles() {
        SnapshotId a = baseBackup(3, 1);
        SnapshotId b = baseBackup(6, 2);
        for (int s = 1; s <= 9; s++) {
            wal.push(SYS, seg(s), new byte[] {(byte) s});
        }
        wal.push(SYS, seg(3) + ".00000028.backup", new byte[] {1});
        wal.push(SYS, "00000002.history", new byte[] {2});

        PruneResult bothKept = new Prune(repo).run(NOW_PRUNE.withDryRun(true), ProgressListener.NONE);
        assertThat(bothKept.walDeleted()).containsExactly(path(seg(1)), path(seg(2)));

        PruneResult dry = new Prune(repo).run(NOW_PRUNE.withDryRun(true), Set.of(a), ProgressListener.NONE);
        assertThat(dry.walDeleted()).containsExactly(path(seg(1)), path(seg(2)), path(seg(3)),
                path(seg(3) + ".00000028.backup"), path(seg(4)), path(seg(5)));
        assertThat(dry.walBytesFreed()).isPositive();
        assertThat(wal.list()).hasSize(11);

        repo.removeSnapshot(a);
        PruneResult real = new Prune(repo).run(NOW_PRUNE, ProgressListener.NONE);
        assertThat(real.walDeleted()).isEqualTo(dry.walDeleted());
        assertThat(wal.list()).extracting(WalArchive.WalFile::name).containsExactly(seg(6), seg(7), seg(8), seg(9),
                "00000002.history");
        assertThat(new Check(repo, new Random(1)).run(CheckOptions.STRUCTURE, ProgressListener.NONE).ok()).isTrue();
        assertThat(repo.snapshots()).extracting(Snapshot::id).containsExactly(b);
    }

    @Test
    void checkNamesMissingSegmentsAndTheBaseBackupsTheyAffect() {
        SnapshotId a = baseBackup(3, 1);
        for (int s = 1; s <= 12; s++) {
            if (s != 2 && s != 7 && s != 8) {
                wal.push(SYS, seg(s), new byte[] {(byte) s});
            }
        }
        CheckResult r = new Check(repo, new Random(1)).run(CheckOptions.STRUCTURE, ProgressListener.NONE);
        assertThat(r.ok()).isFalse();
        assertThat(r.walFiles()).isEqualTo(9);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.object()).isEqualTo(path(seg(7)));
            assertThat(p.message()).contains("2 WAL segments are missing, " + seg(7) + " to " + seg(8))
                    .contains("timeline 00000001");
            assertThat(p.affectedSnapshots()).containsExactly(a.hex());
        });
    }

    /** A snapshot as a physical base backup records it, starting in segment {@code start}. */
    private SnapshotId baseBackup(int start, int hoursAgo) {
        BlobId root;
        try (BackupWriter w = repo.newWriter(ChunkingProfile.FILES, ProgressListener.NONE)) {
            root = w.storeTree(new Tree(List.of()));
            w.flush();
        }
        Map<String, Object> md = Map.of("mode", "physical", "system_identifier", SYS, "timeline", 1,
                "start_wal_file", seg(start), "stop_wal_file", seg(start), "wal_segment_size", 16 * 1024 * 1024);
        return repo.saveSnapshot(new Snapshot(null, NOW.minus(Duration.ofHours(hoursAgo)), "host-a", "alice",
                "postgres-physical", "db:5432", List.of("postgresql://db:5432"), List.of(), null, root, md, null, null,
                "test"));
    }

    private static String seg(int segno) {
        return String.format("00000001%08X%08X", 0, segno);
    }

    private static String path(String name) {
        return "wal/" + SYS + "/" + name.substring(0, 8) + "/" + name;
    }
}
