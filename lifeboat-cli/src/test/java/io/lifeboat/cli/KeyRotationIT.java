package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code key rotate-master} as a user runs it: refused while other passwords' keys exist, killed
 * with SIGKILL halfway and run again, after which the old key file with its password opens
 * nothing and every snapshot restores.
 */
class KeyRotationIT {
    private static final String PASSWORD = "rotation password";

    @TempDir
    Path tmp;

    @Test
    void rotationSurvivesAKillAndLeavesTheOldKeyUseless() throws IOException {
        long seed = Long.getLong("lifeboat.seed", System.nanoTime());
        System.out.println("KeyRotationIT: seed " + seed + " (repeat with -Dlifeboat.seed=" + seed + ")");
        Random random = new Random(seed);
        SplittableRandom content = new SplittableRandom(seed);
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path repo = tmp.resolve("repo");
        CliProcess cli = CliProcess.forRepository(repo, PASSWORD);
        cli.run("init").assertSuccess();
        Map<String, TreeManifest> snapshots = new LinkedHashMap<>();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 30; i++) {
                TestData.writeCompressible(src.resolve("f" + i + ".bin"), 512 * 1024 + content.nextLong(1 << 20),
                        content.nextLong(), 512 * 1024);
            }
            TreeManifest tree = TreeManifest.of(src);
            String id = cli.run("backup", "files", src.toString(), "--json").assertSuccess().json()
                    .path("snapshot").path("id").asText();
            snapshots.put(id, tree);
        }
        String first = snapshots.keySet().iterator().next();
        cli.run("hold", first, "--reason", "audit").assertSuccess();
        cli.withEnv("LIFEBOAT_NEW_PASSWORD", "colleague password").run("key", "add").assertSuccess();
        Path oldKeys = Files.createDirectories(tmp.resolve("old-keys"));
        copyDir(repo.resolve("keys"), oldKeys);

        CliResult refused = cli.run("key", "rotate-master").assertExitCode(18);
        assertThat(refused.stderr()).contains("--remove-other-keys");

        long delay = 1200 + random.nextInt(1800); // past the key derivations, into the re-encryption
        CliProcess.Running killed = cli.start("key", "rotate-master", "--remove-other-keys", "--json");
        boolean finished = killed.exitsWithin(Duration.ofMillis(delay));
        CliResult outcome = finished ? killed.await(Duration.ZERO).assertSuccess() : killed.kill();
        cli.run("unlock").assertSuccess();
        // Halfway or not, the repository opens, checks and restores.
        assertThat(cli.run("check", "--read-data", "--json").assertSuccess().json().path("problems")).isEmpty();
        JsonNode done = cli.run("key", "rotate-master", "--remove-other-keys", "--json").assertSuccess().json();
        System.out.printf("KeyRotationIT: first run %s after %d ms; second run: resumed %s, %d pack(s) (%d bytes) "
                + "re-encrypted, %d key file(s) removed%n", finished ? "finished" : "killed (exit " + outcome.exitCode() + ")",
                delay, done.path("resumed").asBoolean(), done.path("packs_rewritten").asInt(),
                done.path("bytes_rewritten").asLong(), done.path("keys_removed").size());

        assertThat(cli.run("check", "--read-data", "--json").assertSuccess().json().path("problems")).isEmpty();
        for (Map.Entry<String, TreeManifest> s : snapshots.entrySet()) {
            Path target = tmp.resolve("restore-" + s.getKey().substring(0, 8));
            cli.run("restore", s.getKey(), "--target", target.toString()).assertSuccess();
            assertThat(TreeManifest.of(CliProcess.restoredLocation(target, src)).differencesFrom(s.getValue())).isEmpty();
        }
        assertThat(cli.run("holds", "--json").assertSuccess().json()).singleElement()
                .satisfies(h -> assertThat(h.path("snapshot").asText()).isEqualTo(first));
        assertThat(cli.run("key", "list", "--json").assertSuccess().json()).hasSize(1);
        cli.withEnv("LIFEBOAT_PASSWORD", "colleague password").run("snapshots").assertExitCode(12);

        // Someone who kept the old key files and knows the password: a copy of the repository with
        // only those keys opens nothing.
        Path copy = tmp.resolve("copy");
        copyDir(repo, copy);
        try (Stream<Path> keys = Files.list(copy.resolve("keys"))) {
            for (Path k : keys.toList()) {
                Files.delete(k);
            }
        }
        copyDir(oldKeys, copy.resolve("keys"));
        CliResult stolen = CliProcess.forRepository(copy, PASSWORD).run("snapshots").assertExitCode(12);
        assertThat(stolen.stderr()).contains("rotate-master");
    }

    private static void copyDir(Path from, Path to) throws IOException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(from)) {
            all = new ArrayList<>(walk.toList());
        }
        for (Path p : all) {
            Path t = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(t);
            } else {
                Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
