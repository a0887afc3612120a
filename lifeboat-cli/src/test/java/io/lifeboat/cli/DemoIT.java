package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main job, {@code lifeboat demo}, as a newcomer runs it: files and a throwaway
 * PostgreSQL database with sample RAG data are backed up, restored and compared, and the
 * throwaway cluster is gone afterwards; and a sample Qdrant collection, on the in-process
 * stand-in since no {@code QDRANT_URL} is set.
 */
class DemoIT {
    @TempDir
    Path tmp;

    @Test
    void demoBacksUpAndRestoresFilesAndAPostgresDatabaseThenRemovesTheCluster() throws IOException {
        long clustersBefore = demoClusters();
        CliResult demo = CliProcess.forRepository(tmp.resolve("unused"), "unused").withEnv("LIFEBOAT_PASSWORD", null)
                .withEnv("QDRANT_URL", null).withEnv("LIFEBOAT_STATE_DIR", tmp.resolve("state").toString())
                .runWithoutRepository("demo", "--dir", tmp.resolve("demo").toString()).assertSuccess();
        assertThat(demo.stdout()).contains("no QDRANT_URL: using Lifeboat's in-process Qdrant stand-in at http://127.0.0.1:",
                "restored collection equals the source: 2000 points");
        assertThat(demo.stdout()).contains("restored tree equals the source",
                "restored database equals the source, table by table: {rag.chunks=1000 rows",
                "row counts equal the backup's for all 2 table(s)", "no problems found");
        assertThat(demo.stdout().lines().filter(l -> l.contains(" postgres ") && l.contains("postgresql://"))).hasSize(1);
        assertThat(demoClusters()).as("throwaway clusters left in the temporary directory").isEqualTo(clustersBefore);
    }

    /**
     * The launcher's start-up cache is recorded from this hidden command: it must run the demo
     * through, then init, back up twice, list and restore through the S3 adapter against its
     * in-memory endpoint, and end 0.
     */
    @Test
    void startupTrainingRunsTheDemoAndTheS3CommandsAndSucceeds() throws IOException {
        Path dir = tmp.resolve("training");
        CliResult training = CliProcess.forRepository(tmp.resolve("unused"), "unused").withEnv("LIFEBOAT_PASSWORD", null)
                .withEnv("QDRANT_URL", null).withEnv("LIFEBOAT_STATE_DIR", tmp.resolve("state2").toString())
                .runWithoutRepository("startup-training", "--dir", dir.toString(), "--s3").assertSuccess();
        assertThat(training.stdout()).contains("restored tree equals the source", "no problems found");
        assertThat(training.stderr()).as("every S3 command succeeded").doesNotContain("S3 commands failed");
        // The S3 part backed up a tree into the in-memory endpoint and restored it: byte for byte.
        Path tree = dir.resolve("s3-training/tree");
        Path restored = dir.resolve("s3-training/restore").resolve(tree.toString().substring(1));
        try (Stream<Path> files = Files.list(tree)) {
            for (Path f : files.toList()) {
                assertThat(restored.resolve(f.getFileName())).hasSameBinaryContentAs(f);
            }
        }
        assertThat(training.seconds()).isLessThan(120);
    }

    private static long demoClusters() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("lifeboat-demo-pg-")).count();
        }
    }
}
