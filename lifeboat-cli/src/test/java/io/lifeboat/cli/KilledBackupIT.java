package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup killed with SIGKILL at a random moment (as by the OOM killer or a power cut) leaves a
 * repository that checks clean, lists only committed snapshots, and takes the next backup. Each
 * run first rewrites the whole tree with new content, so the killed backup writes packs, index
 * and snapshot for its whole duration.
 */
class KilledBackupIT {
    /** Fixes names and sizes of the tree; content and kill delays come from the run's seed. */
    private static final long SHAPE_SEED = 9_000_009L;
    private static final int KILLS = 5;
    private static final int MAX_RUNS = 10;
    private static final long MIB = TestData.MIB;
    private static final long MIN_DELAY_MS = 300;

    @TempDir
    Path tmp;

    @Test
    void backupKilledAtARandomMomentLeavesACleanRepositoryThatBacksUpAgain() throws IOException {
        long seed = Long.getLong("lifeboat.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("KilledBackupIT: seed " + seed + " (repeat with -Dlifeboat.seed=" + seed + ")");
        Path src = tmp.resolve("src");
        CliProcess cli = CliProcess.forRepository(tmp.resolve("repo"), "killed backup password");
        cli.run("init").assertSuccess();
        Set<String> committed = new LinkedHashSet<>();

        writeTree(src, random.nextLong());
        CliResult first = cli.run("backup", "files", src.toString(), "--json").assertSuccess();
        committed.add(snapshotId(first));
        long typicalMs = first.elapsed().toMillis();
        System.out.printf("KilledBackupIT: tree %d bytes; a full backup (process start to exit) takes %d ms%n",
                TestData.bytesUnder(src), typicalMs);

        int kills = 0;
        for (int run = 1; kills < KILLS && run <= MAX_RUNS; run++) {
            writeTree(src, random.nextLong());
            TreeManifest tree = TreeManifest.of(src);
            long delayMs = MIN_DELAY_MS + (long) (random.nextDouble() * Math.max(1, typicalMs - MIN_DELAY_MS));
            CliProcess.Running backup = cli.start("backup", "files", src.toString(), "--json");
            boolean finished = backup.exitsWithin(Duration.ofMillis(delayMs));
            CliResult outcome = finished ? backup.await(Duration.ZERO) : backup.kill();
            if (finished) {
                outcome.assertSuccess();
                committed.add(snapshotId(outcome));
            } else {
                kills++;
            }
            String what = finished ? "finished before the kill" : "killed (exit " + outcome.exitCode() + ")";

            CliResult checked = cli.run("check", "--read-data", "--json").assertSuccess();
            JsonNode check = checked.json();
            assertThat(check.path("ok").asBoolean()).as("check after run %d", run).isTrue();
            assertThat(check.path("problems")).as("problems after run %d", run).isEmpty();

            Set<String> listed = snapshotIds(cli);
            Set<String> extra = new LinkedHashSet<>(listed);
            extra.removeAll(committed);
            assertThat(listed).as("snapshots after run %d", run).containsAll(committed);
            // Killed between writing its snapshot object and exiting: committed, so it must be whole.
            assertThat(extra).as("snapshots that no completed backup reported")
                    .hasSizeLessThanOrEqualTo(finished ? 0 : 1);
            for (String late : extra) {
                what += ", but had committed snapshot " + late.substring(0, 8);
                assertRestoresIdentically(cli, late, src, tree);
                committed.add(late);
            }
            assertThat(listed).hasSize(committed.size());

            CliResult again = cli.run("backup", "files", src.toString(), "--json").assertSuccess();
            committed.add(snapshotId(again));
            typicalMs = Math.min(typicalMs, again.elapsed().toMillis());
            CliResult restored = assertRestoresIdentically(cli, snapshotId(again), src, tree);
            System.out.printf("KilledBackupIT: run %d: delay %d ms, %s; check %.1fs (%d bytes read, notes %s); backup "
                    + "afterwards %.1fs (stored_bytes_added %d, %d stale lock(s) reported), restore %.1fs%n", run,
                    delayMs, what, checked.seconds(), check.path("bytes_read").asLong(), check.path("notes"),
                    again.seconds(), again.json().path("snapshot").path("stats").path("stored_bytes_added").asLong(),
                    again.json().path("stale_locks").size(), restored.seconds());
        }
        System.out.printf("KilledBackupIT: %d kills, %d snapshots committed%n", kills, committed.size());
        assertThat(kills).as("backups killed before they finished").isEqualTo(KILLS);
        assertThat(snapshotIds(cli)).containsExactlyInAnyOrderElementsOf(committed);

        // The killed backups' locks stay behind; their processes are gone, so unlock removes them all.
        long leftLocks = TestData.objectsUnder(tmp.resolve("repo/locks"));
        JsonNode unlocked = cli.run("unlock", "--json").assertSuccess().json();
        System.out.printf("KilledBackupIT: unlock removed %d of %d lock(s) left by killed backups%n",
                unlocked.path("removed").size(), leftLocks);
        assertThat(unlocked.path("removed")).hasSize((int) leftLocks)
                .allSatisfy(l -> assertThat(l.asText()).contains("stale", "backup"));
        assertThat(unlocked.path("kept")).isEmpty();
        assertThat(TestData.objectsUnder(tmp.resolve("repo/locks"))).isZero();
    }

    private static CliResult assertRestoresIdentically(CliProcess cli, String snapshot, Path src, TreeManifest tree) {
        Path target = src.resolveSibling("restore-" + snapshot.substring(0, 8));
        CliResult restore = cli.run("restore", snapshot, "--target", target.toString()).assertSuccess();
        assertThat(TreeManifest.of(CliProcess.restoredLocation(target, src)).differencesFrom(tree))
                .as("restore of %s versus the source", snapshot).isEmpty();
        TestData.deleteTree(target);
        return restore;
    }

    private static String snapshotId(CliResult backup) {
        String id = backup.json().path("snapshot").path("id").asText();
        assertThat(id).as("snapshot id of %s", backup.describe()).hasSize(64);
        return id;
    }

    private static Set<String> snapshotIds(CliProcess cli) {
        Set<String> ids = new LinkedHashSet<>();
        cli.run("snapshots", "--json").assertSuccess().json().forEach(s -> ids.add(s.path("id").asText()));
        return ids;
    }

    /**
     * ~300 MiB in 553 files: 3 of 32 MiB, 50 of 2–4 MiB, 500 of 0–200 KiB, in nested directories.
     * Names and sizes are the same for every seed; the content is new.
     */
    private static void writeTree(Path src, long seed) throws IOException {
        SplittableRandom shape = new SplittableRandom(SHAPE_SEED);
        SplittableRandom content = new SplittableRandom(seed);
        for (int i = 0; i < 3; i++) {
            Files.createDirectories(src.resolve("large"));
            TestData.writeCompressible(src.resolve("large/large-" + i + ".bin"), 32 * MIB, content.nextLong(),
                    256 * 1024);
        }
        for (int i = 0; i < 50; i++) {
            Path dir = Files.createDirectories(src.resolve("medium/" + (i % 5)));
            TestData.write(dir.resolve("medium-" + i + ".bin"), 2 * MIB + shape.nextLong(2 * MIB), content.nextLong());
        }
        for (int i = 0; i < 500; i++) {
            Path dir = Files.createDirectories(src.resolve("small/" + (i % 10) + "/" + (i % 7)));
            Files.write(dir.resolve("small-" + i + ".dat"), TestData.bytes(shape.nextInt(200 * 1024), content));
        }
    }
}
