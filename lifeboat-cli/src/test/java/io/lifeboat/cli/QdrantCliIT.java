package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.qdrant.standin.QdrantStandIn;
import io.lifeboat.qdrant.standin.StandInConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lifeboat backup qdrant} and {@code lifeboat restore} of Qdrant snapshots, run as a user
 * would, against the stand-in. {@link QdrantRealServerIT} runs the same tests against a real
 * server when {@code QDRANT_URL} is set (those that need the stand-in's fault injection skip).
 */
class QdrantCliIT {
    /** Whether the tests talk to the real server of {@code QDRANT_URL}. */
    boolean realServer() {
        return false;
    }

    QdrantServer open(StandInConfig config) {
        return QdrantServer.open(config, realServer());
    }

    private static final String PASSWORD = "qdrant cli test password";
    private static final String KEY = "qdrant-key-that-must-never-show-9f8e7d";

    @TempDir
    Path tmp;

    private CliProcess cli(QdrantServer q) {
        CliProcess c = CliProcess.forRepository(tmp.resolve("repo"), PASSWORD).withEnv("LIFEBOAT_STATE_DIR",
                tmp.resolve("state").toString());
        return q.apiKey() == null ? c : c.withEnv("QDRANT_API_KEY", q.apiKey());
    }

    private static List<JsonNode> qdrantSnapshots(CliProcess cli) {
        List<JsonNode> out = new ArrayList<>();
        cli.run("snapshots", "--json").assertSuccess().json().forEach(s -> {
            if (s.path("source").asText().equals("qdrant")) {
                out.add(s);
            }
        });
        return out;
    }

    @Test
    void severalCollectionsRoundTripIntoTheSameAndANewName() {
        try (QdrantServer q = open(StandInConfig.defaults().withApiKeys(KEY, null))) {
            String single = q.name("single");
            String named = q.name("named");
            String big = q.name("big");
            q.create(single, Map.of("", 32), 2_000, 1);
            q.create(named, Map.of("text", 16, "image", 8), 1_500, 2);
            q.create(big, Map.of("", 8), 100_000, 3);
            CliProcess cli = cli(q);
            cli.run("init").assertSuccess();
            Map<String, List<JsonNode>> before = Map.of(single, q.points(single), named, q.points(named), big, q.points(big));

            CliResult backup = cli.run("backup", "qdrant", "--url", q.url().toString(), "--collection", single,
                    "--collection", named, "--collection", big, "--json").assertSuccess();
            JsonNode out = backup.json();
            assertThat(out.path("snapshots")).hasSize(3);
            String rp = out.path("recovery_point").asText();
            assertThat(rp).hasSize(32);
            for (JsonNode s : out.path("snapshots")) {
                assertThat(s.path("recovery_point").asText()).isEqualTo(rp);
                String c = s.path("metadata").path("collection").asText();
                assertThat(s.path("metadata").path("points_count").asLong()).isEqualTo(before.get(c).size());
                assertThat(s.path("metadata").path("snapshot_sha256").asText()).hasSize(64);
                assertThat(q.snapshots(c)).as("server-side snapshots of %s after the backup", c).isEmpty();
            }
            assertThat(backup.stdout() + backup.stderr()).doesNotContain(KEY);

            for (JsonNode s : out.path("snapshots")) {
                String c = s.path("metadata").path("collection").asText();
                String id = s.path("id").asText();
                CliResult copy = cli.run("restore", id, "--qdrant-url", q.url().toString(), "--collection", c + "_copy",
                        "--json").assertSuccess();
                assertThat(copy.json().path("restored_points").asLong()).isEqualTo(before.get(c).size());
                assertThat(copy.json().path("mismatches").asLong()).isZero();
                assertThat(copy.json().path("priority").asText()).isEqualTo("snapshot");
                assertThat(q.points(c + "_copy")).as("points, vectors and payloads of %s_copy", c).isEqualTo(before.get(c));
                assertThat(q.snapshots(c + "_copy")).as("uploaded snapshot removed").isEmpty();
            }
            // Into the same name, over the existing collection (what a disaster recovery does).
            CliResult same = cli.run("restore", out.path("snapshots").get(1).path("id").asText(), "--priority", "replica")
                    .assertSuccess();
            assertThat(same.stdout()).contains("into collection " + named, "equal the backup's");
            assertThat(q.points(named)).as("points of %s restored in place", named).isEqualTo(before.get(named));
            assertThat(q.snapshots(named)).isEmpty();
            if (q.standIn() != null) {
                assertThat(q.standIn().lastRecoveryPriority()).isEqualTo("replica");
            }

            // A second backup of an unchanged collection stores little new data.
            sleepPastTheSecond(); // a real server names snapshots by the second
            JsonNode second = cli.run("backup", "qdrant", "--url", q.url().toString(), "--collection", big, "--json")
                    .assertSuccess().json().path("snapshots").get(0);
            long size = second.path("metadata").path("snapshot_size").asLong();
            long added = second.path("stats").path("bytes_added").asLong();
            double pct = 100.0 * added / size;
            System.out.printf("QdrantCliIT: unchanged collection, second backup added %d of %d bytes (%.2f%%)%n", added, size, pct);
            assertThat(pct).isLessThan(5.0);
        }
    }

    @Test
    void accessErrorsAreClearLeaveNoSnapshotAndNeverShowTheKey() throws java.io.IOException {
        assumeTrue(!realServer(), "needs the stand-in's read-only key");
        try (QdrantServer q = open(StandInConfig.defaults().withApiKeys(KEY, "read-only-" + KEY))) {
            q.create("docs", Map.of("", 4), 50, 5);
            CliProcess cli = cli(q);
            cli.run("init").assertSuccess();
            String url = q.url().toString();
            CliResult wrong = cli.withEnv("QDRANT_API_KEY", "wrong-" + KEY).run("backup", "qdrant", "--url", url,
                    "--collection", "docs", "--json").assertExitCode(17);
            assertThat(wrong.json().path("error").path("message").asText()).contains("API key rejected (401");
            Path keyFile = Files.writeString(tmp.resolve("ro.key"), "read-only-" + KEY + "\n");
            CliResult readOnly = cli.withEnv("QDRANT_API_KEY", null).run("backup", "qdrant", "--url", url,
                    "--api-key-file", keyFile.toString(), "--collection", "docs").assertExitCode(17);
            assertThat(readOnly.stderr()).contains("forbidden (403", "read-write");
            CliResult unknown = cli.run("backup", "qdrant", "--url", url, "--collection", "nope").assertExitCode(13);
            assertThat(unknown.stderr()).contains("collection nope", "404");
            for (CliResult r : List.of(wrong, readOnly, unknown)) {
                assertThat(r.stdout() + r.stderr()).doesNotContain(KEY);
            }
            assertThat(qdrantSnapshots(cli)).isEmpty();
            assertThat(q.standIn().snapshotFiles()).isEmpty();
        }
    }

    @Test
    void killedBackupCommitsNothingAndTheNextRunLeavesNoStraySnapshot() throws InterruptedException {
        assumeTrue(!realServer(), "needs the stand-in's slowed downloads");
        try (QdrantServer q = open(StandInConfig.defaults())) {
            QdrantStandIn s = q.standIn();
            q.create("docs", Map.of("", 64), 8_000, 6);
            CliProcess cli = cli(q);
            cli.run("init").assertSuccess();
            s.faults().slowDownloads(256 * 1024);
            CliProcess.Running running = cli.start("backup", "qdrant", "--url", q.url().toString(), "--collection", "docs");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (s.requests().stream().noneMatch(r -> r.startsWith("GET /collections/docs/snapshots/"))
                    && System.nanoTime() < deadline) {
                if (s.requests().stream().anyMatch(r -> r.startsWith("POST /collections/docs/snapshots"))) {
                    Thread.sleep(300); // the download request is logged only when it ends: give it time to start
                    break;
                }
                Thread.sleep(20);
            }
            Thread.sleep(700);
            CliResult killed = running.kill();
            assertThat(killed.exitCode()).as("killed, not finished: %s", killed.describe()).isNotZero();
            s.faults().clear();
            assertThat(qdrantSnapshots(cli)).as("no snapshot committed by the killed backup").isEmpty();
            assertThat(s.snapshotFiles()).as("the killed backup's server-side snapshot").hasSize(1);

            cli.run("backup", "qdrant", "--url", q.url().toString(), "--collection", "docs").assertSuccess();
            assertThat(qdrantSnapshots(cli)).hasSize(1);
            assertThat(s.snapshotFiles()).as("stray snapshot removed by the next run").isEmpty();
        }
    }

    private static void sleepPastTheSecond() {
        try {
            Thread.sleep(1100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
