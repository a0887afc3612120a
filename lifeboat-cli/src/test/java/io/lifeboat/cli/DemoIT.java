package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import io.lifeboat.testkit.qdrant.QdrantStandIn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main job, {@code lifeboat demo}, as a newcomer runs it: files and a throwaway
 * PostgreSQL database with sample RAG data are backed up, restored and compared, and the
 * throwaway cluster is gone afterwards; with {@code QDRANT_URL} (here: the stand-in) a sample
 * Qdrant collection too.
 */
class DemoIT {
    @TempDir
    Path tmp;

    @Test
    void demoBacksUpAndRestoresFilesAndAPostgresDatabaseThenRemovesTheCluster() throws IOException {
        long clustersBefore = demoClusters();
        CliResult demo;
        try (QdrantStandIn qdrant = QdrantStandIn.start()) {
            demo = CliProcess.forRepository(tmp.resolve("unused"), "unused").withEnv("LIFEBOAT_PASSWORD", null)
                    .withEnv("QDRANT_URL", qdrant.url().toString()).withEnv("LIFEBOAT_STATE_DIR", tmp.resolve("state").toString())
                    .runWithoutRepository("demo", "--dir", tmp.resolve("demo").toString()).assertSuccess();
            assertThat(demo.stdout()).contains("restored collection equals the source: 2000 points");
            assertThat(qdrant.snapshotFiles()).as("snapshots left on the Qdrant server").isEmpty();
            assertThat(qdrant.requests()).as("the demo's collections deleted afterwards")
                    .filteredOn(r -> r.matches("DELETE /collections/lifeboat_demo_[^/]+ -> 200")).hasSize(2);
        }
        assertThat(demo.stdout()).contains("restored tree equals the source",
                "restored database equals the source, table by table: {rag.chunks=1000 rows",
                "row counts equal the backup's for all 2 table(s)", "no problems found");
        assertThat(demo.stdout().lines().filter(l -> l.contains(" postgres ") && l.contains("postgresql://"))).hasSize(1);
        assertThat(demoClusters()).as("throwaway clusters left in the temporary directory").isEqualTo(clustersBefore);
    }

    private static long demoClusters() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("lifeboat-demo-pg-")).count();
        }
    }
}
