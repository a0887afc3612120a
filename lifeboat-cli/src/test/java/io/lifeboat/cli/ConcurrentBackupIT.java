package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two backups into one repository at the same time (two hosts sharing a bucket, or two cron
 * jobs): both commit, the repository checks clean, and each snapshot restores its own tree. The
 * trees share one identical file, first in walk order, so both processes write the same blobs at
 * the same moment.
 */
class ConcurrentBackupIT {
    private static final long MIB = TestData.MIB;
    private static final long SHARED_SEED = 77L;

    @TempDir
    Path tmp;

    @Test
    void twoSimultaneousBackupsBothCommitAndRestoreTheirOwnTrees() throws IOException {
        Path first = writeTree(tmp.resolve("first"), 1);
        Path second = writeTree(tmp.resolve("second"), 2);
        TreeManifest firstTree = TreeManifest.of(first);
        TreeManifest secondTree = TreeManifest.of(second);
        assertThat(firstTree.files().get("0-shared.bin").sha256())
                .isEqualTo(secondTree.files().get("0-shared.bin").sha256());
        CliProcess cli = CliProcess.forRepository(tmp.resolve("repo"), "concurrent password");
        cli.run("init").assertSuccess();

        CliProcess.Running a = cli.start("backup", "files", first.toString(), "--json");
        CliProcess.Running b = cli.start("backup", "files", second.toString(), "--json");
        CliResult resultA = a.await(CliProcess.DEFAULT_TIMEOUT).assertSuccess();
        CliResult resultB = b.await(CliProcess.DEFAULT_TIMEOUT).assertSuccess();
        JsonNode statsA = resultA.json().path("snapshot").path("stats");
        JsonNode statsB = resultB.json().path("snapshot").path("stats");
        System.out.printf("ConcurrentBackupIT: backup A %.1fs %s%nConcurrentBackupIT: backup B %.1fs %s%n",
                resultA.seconds(), statsA, resultB.seconds(), statsB);

        CliResult checked = cli.run("check", "--read-data", "--json").assertSuccess();
        JsonNode check = checked.json();
        System.out.printf("ConcurrentBackupIT: check %.1fs: %d packs, %d distinct blobs (the backups added %d: both "
                + "stored the blobs they raced on), notes %s%n", checked.seconds(), check.path("packs").asLong(),
                check.path("blobs").asLong(), statsA.path("blobs_added").asLong() + statsB.path("blobs_added").asLong(),
                check.path("notes"));
        assertThat(check.path("ok").asBoolean()).isTrue();
        assertThat(check.path("problems")).isEmpty();

        List<String> listed = new ArrayList<>();
        cli.run("snapshots", "--json").assertSuccess().json().forEach(s -> listed.add(s.path("id").asText()));
        String idA = resultA.json().path("snapshot").path("id").asText();
        String idB = resultB.json().path("snapshot").path("id").asText();
        assertThat(listed).containsExactlyInAnyOrder(idA, idB);

        assertThat(restore(cli, idA, first).differencesFrom(firstTree)).as("restore of backup A").isEmpty();
        assertThat(restore(cli, idB, second).differencesFrom(secondTree)).as("restore of backup B").isEmpty();
    }

    private TreeManifest restore(CliProcess cli, String snapshot, Path original) {
        Path target = tmp.resolve("restore-" + snapshot.substring(0, 8));
        cli.run("restore", snapshot, "--target", target.toString()).assertSuccess();
        return TreeManifest.of(CliProcess.restoredLocation(target, original));
    }

    /** ~100 MiB of its own (40 random files of 2–3 MiB) plus the 20 MiB file both trees share. */
    private static Path writeTree(Path root, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        Files.createDirectories(root);
        TestData.write(root.resolve("0-shared.bin"), 20 * MIB, SHARED_SEED);
        for (int i = 0; i < 40; i++) {
            Path dir = Files.createDirectories(root.resolve("files/" + (i % 4)));
            TestData.write(dir.resolve("own-" + i + ".bin"), 2 * MIB + random.nextLong(MIB), random.nextLong());
        }
        return root;
    }
}
