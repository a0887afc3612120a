package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prune as a user runs it, through the built jar: after forget, next to running backups, and
 * killed with SIGKILL at random moments.
 */
class PruneIT {
    private static final long MIB = TestData.MIB;

    @TempDir
    Path tmp;

    private final Map<String, TreeManifest> manifests = new LinkedHashMap<>();

    /** Replaces {@code share} of the tree's 24 files (about 15 MiB in all) with new content. */
    private static void rewrite(Path src, SplittableRandom random, double share) throws IOException {
        Files.createDirectories(src.resolve("docs"));
        for (int i = 0; i < 24; i++) {
            Path f = src.resolve("docs/part-" + i + ".bin");
            if (!Files.exists(f) || random.nextDouble() < share) {
                TestData.writeCompressible(f, 256 * 1024 + random.nextLong(MIB), random.nextLong(), 512 * 1024);
            }
        }
    }

    private String backup(CliProcess cli, Path src) {
        TreeManifest tree = TreeManifest.of(src);
        String id = cli.run("backup", "files", src.toString(), "--json").assertSuccess().json()
                .path("snapshot").path("id").asText();
        manifests.put(id, tree);
        return id;
    }

    private void assertRestores(CliProcess cli, String snapshot, Path src) {
        Path target = tmp.resolve("restore-" + snapshot.substring(0, 8));
        cli.run("restore", snapshot, "--target", target.toString()).assertSuccess();
        assertThat(TreeManifest.of(CliProcess.restoredLocation(target, src)).differencesFrom(manifests.get(snapshot)))
                .as("restore of %s versus the tree it was taken of", snapshot).isEmpty();
        TestData.deleteTree(target);
    }

    private static void assertCheckPasses(CliProcess cli, String when) {
        JsonNode check = cli.run("check", "--read-data", "--json").assertSuccess().json();
        assertThat(check.path("problems")).as("check --read-data %s", when).isEmpty();
    }

    private static Set<String> snapshotIds(CliProcess cli) {
        Set<String> ids = new LinkedHashSet<>();
        cli.run("snapshots", "--json").assertSuccess().json().forEach(s -> ids.add(s.path("id").asText()));
        return ids;
    }

    private static long packBytes(Path repo) {
        return TestData.bytesUnder(repo.resolve("data"));
    }

    @Test
    void forgetWithPruneKeepsTheHeldSnapshotAndShrinksTheRepositoryToWhatIsLeft() throws IOException {
        Path src = tmp.resolve("src");
        Path repoDir = tmp.resolve("repo");
        CliProcess cli = CliProcess.forRepository(repoDir, "prune password");
        cli.run("init").assertSuccess();
        SplittableRandom random = new SplittableRandom(71);
        rewrite(src, random, 1);
        String held = backup(cli, src);
        for (int i = 0; i < 3; i++) {
            rewrite(src, random, 0.7);
            backup(cli, src);
        }
        String newest = manifests.keySet().stream().reduce((a, b) -> b).orElseThrow();
        cli.run("hold", held, "--reason", "litigation").assertSuccess();
        long before = packBytes(repoDir);

        JsonNode r = cli.run("forget", "--keep-last", "1", "--prune", "--max-unused", "0", "--json").assertSuccess().json();
        JsonNode prune = r.path("prune");
        assertThat(r.path("removed").asInt()).isEqualTo(2);
        assertThat(snapshotIds(cli)).containsExactlyInAnyOrder(held, newest);
        assertThat(prune.path("bytes_freed").asLong()).isPositive().isEqualTo(before - packBytes(repoDir));
        assertThat(prune.path("unused_bytes_left").asLong()).isZero();
        assertCheckPasses(cli, "after forget --prune");
        assertRestores(cli, held, src);
        assertRestores(cli, newest, src);

        // Released, the held snapshot goes too, and what stays is what the newest one alone needs.
        cli.run("release", held).assertSuccess();
        JsonNode second = cli.run("forget", "--keep-last", "1", "--prune", "--max-unused", "0", "--json").assertSuccess()
                .json();
        assertThat(second.path("removed").asInt()).isEqualTo(1);
        CliProcess alone = CliProcess.forRepository(tmp.resolve("alone"), "prune password");
        alone.run("init").assertSuccess();
        alone.run("backup", "files", src.toString()).assertSuccess();
        long after = packBytes(repoDir);
        long needed = packBytes(tmp.resolve("alone"));
        System.out.printf("PruneIT: 4 snapshots %.1f MiB of packs; after forget --keep-last 1 --prune %.1f MiB; "
                + "the newest tree alone %.1f MiB%n", before / (double) MIB, after / (double) MIB, needed / (double) MIB);
        assertThat((double) after).isBetween(needed * 0.97, needed * 1.03);
        assertCheckPasses(cli, "after the second prune");
        assertRestores(cli, newest, src);
    }

    /** Backups and prunes started together, round after round: the locks serialize them, nothing is lost. */
    @Test
    void pruneRacingBackupsAlwaysLeavesEveryCompletedSnapshotRestorable() throws IOException {
        Path src = tmp.resolve("src");
        Seeded run = start("race", src);
        CliProcess cli = run.cli();
        Random random = run.random();
        SplittableRandom content = run.content();
        int rounds = 3;
        for (int round = 1; round <= rounds; round++) {
            rewrite(src, content, 0.5);
            TreeManifest tree = TreeManifest.of(src);
            CliProcess.Running backup = cli.start("backup", "files", src.toString(), "--retry-lock", "2m", "--json");
            sleep(random.nextInt(1500));
            CliProcess.Running prune = cli.start("forget", "--keep-last", "2", "--prune", "--max-unused", "0",
                    "--grace", "0s", "--retry-lock", "2m", "--json");
            CliResult b = backup.await(Duration.ofMinutes(3)).assertSuccess();
            CliResult p = prune.await(Duration.ofMinutes(3)).assertSuccess();
            String id = b.json().path("snapshot").path("id").asText();
            manifests.put(id, tree);
            System.out.printf("PruneIT race: round %d: backup %.1fs, forget+prune %.1fs (freed %d bytes)%n", round,
                    b.seconds(), p.seconds(), p.json().path("prune").path("bytes_freed").asLong());
            assertCheckPasses(cli, "after round " + round);
            Set<String> listed = snapshotIds(cli);
            assertThat(listed).as("round %d", round).contains(id).hasSizeBetween(2, 3);
            assertRestores(cli, id, src);
        }
        for (String s : snapshotIds(cli)) {
            assertRestores(cli, s, src);
        }
    }

    /** SIGKILL at a random moment of a prune that deletes and repacks: check passes, the next prune finishes. */
    @Test
    void pruneKilledAtRandomMomentsLeavesACheckableRepositoryAndTheNextPruneFinishes() throws IOException {
        Path src = tmp.resolve("src");
        Seeded run = start("kill", src);
        CliProcess cli = run.cli();
        Random random = run.random();
        SplittableRandom content = run.content();
        int kills = 0;
        long typicalMs = 1500;
        for (int round = 1; round <= 4 && kills < 2; round++) {
            for (int i = 0; i < 2; i++) {
                rewrite(src, content, 0.5);
                backup(cli, src);
            }
            cli.run("forget", "--keep-last", "1").assertSuccess();
            long delay = 200 + (long) (random.nextDouble() * typicalMs);
            CliProcess.Running prune = cli.start("prune", "--max-unused", "0", "--grace", "0s", "--json");
            boolean finished = prune.exitsWithin(Duration.ofMillis(delay));
            CliResult outcome = finished ? prune.await(Duration.ZERO).assertSuccess() : prune.kill();
            if (finished) {
                typicalMs = Math.max(300, outcome.elapsed().toMillis());
            } else {
                kills++;
            }
            cli.run("unlock").assertSuccess(); // the killed prune's lock: its process is gone
            assertCheckPasses(cli, "after prune round " + round + (finished ? " (finished)" : " (killed after " + delay + " ms)"));
            assertRestores(cli, snapshotIds(cli).iterator().next(), src); // check --read-data covered the rest
            JsonNode next = cli.run("prune", "--max-unused", "0", "--grace", "0s", "--json").assertSuccess().json();
            JsonNode again = cli.run("prune", "--max-unused", "0", "--grace", "0s", "--json").assertSuccess().json();
            System.out.printf("PruneIT kill: round %d: delay %d ms, %s; the next prune freed %d bytes, then %d%n", round,
                    delay, finished ? "finished first" : "killed", next.path("bytes_freed").asLong(),
                    again.path("bytes_freed").asLong());
            assertThat(again.path("bytes_freed").asLong()).as("the next prune finished the job").isZero();
            assertThat(again.path("unused_bytes_left").asLong()).isZero();
            assertThat(again.path("index_files_replaced").asInt()).isZero();
        }
        assertThat(kills).as("prunes killed before they finished").isPositive();
    }

    /** A repository with one backup of a new tree, and the randomness of a run that prints its seed. */
    private record Seeded(CliProcess cli, Random random, SplittableRandom content) {}

    private Seeded start(String name, Path src) throws IOException {
        CliProcess cli = CliProcess.forRepository(tmp.resolve("repo"), name + " password");
        cli.run("init").assertSuccess();
        long seed = Long.getLong("lifeboat.seed", System.nanoTime());
        System.out.println("PruneIT " + name + ": seed " + seed + " (repeat with -Dlifeboat.seed=" + seed + ")");
        SplittableRandom content = new SplittableRandom(seed);
        rewrite(src, content, 1);
        backup(cli, src);
        return new Seeded(cli, new Random(seed), content);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
