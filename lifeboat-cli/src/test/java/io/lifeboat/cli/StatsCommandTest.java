package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.repository.ClientContext;
import io.lifeboat.repository.lock.LockPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lifeboat stats} in-process after real backups of a small tree: figures, JSON shape and text. */
class StatsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final ClientContext client = new ClientContext("host-a", "alice", Clock.systemUTC(), LockPolicy.DEFAULT);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--repo");
        all.add(tmp.resolve("repo").toString());
        CliContext ctx = new CliContext(Map.of("LIFEBOAT_PASSWORD", "pw", "LIFEBOAT_NEW_PASSWORD", "pw"), null,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Main.defaultStorages(Map.of()), client, "test");
        return Main.run(ctx, all.toArray(String[]::new));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void write(Path file, int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new SplittableRandom(seed).nextBytes(b);
        Files.write(file, b);
    }

    @Test
    void statsReportDeduplicationPerSourceAndWhatPruneCouldReclaim() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        write(src.resolve("a.bin"), 200_000, 1);
        write(src.resolve("b.bin"), 100_000, 2);
        assertThat(run("init", "--json")).as(err.toString()).isZero();
        assertThat(run("backup", "files", src.toString(), "--json")).as(err.toString()).isZero();
        String first = JSON.readTree(stdout()).path("snapshot").path("id").asText();
        write(src.resolve("b.bin"), 100_000, 3);
        assertThat(run("backup", "files", src.toString(), "--force")).isZero();
        assertThat(run("backup", "files", src.toString())).isZero();
        assertThat(run("forget", first)).as(err.toString()).isZero();

        assertThat(run("stats", "--json")).as(err.toString()).isZero();

        JsonNode r = JSON.readTree(stdout());
        assertThat(r.path("snapshots").asInt()).isEqualTo(2);
        assertThat(r.path("logical_bytes").asLong()).isEqualTo(2 * 300_000);
        assertThat(r.path("packs").asLong()).isEqualTo(r.path("storage").get(2).path("objects").asLong());
        assertThat(r.path("storage").get(2).path("kind").asText()).isEqualTo("data");
        long packBytes = r.path("pack_bytes").asLong();
        assertThat(packBytes).isEqualTo(r.path("storage").get(2).path("bytes").asLong())
                .as("three distinct file contents, stored raw").isGreaterThan(400_000);
        assertThat(r.path("deduplication_ratio").asDouble()).isEqualTo(600_000.0 / packBytes);
        assertThat(r.path("sources")).hasSize(1);
        JsonNode s = r.path("sources").get(0);
        assertThat(s.path("host").asText()).isEqualTo("host-a");
        assertThat(s.path("source").asText()).isEqualTo("files");
        assertThat(s.path("source_identity").asText()).isNotEmpty();
        assertThat(s.path("snapshots").asInt()).isEqualTo(2);
        assertThat(s.path("logical_bytes").asLong()).isEqualTo(600_000);
        assertThat(s.path("stored_bytes").asLong()).as("a.bin and the new b.bin, stored raw, and two trees")
                .isBetween(300_000L, 302_000L);
        assertThat(r.path("unreferenced_blobs").asLong()).as("the old b.bin and the old trees")
                .isGreaterThanOrEqualTo(2);
        assertThat(r.path("unreferenced_bytes").asLong()).isGreaterThan(100_000);
        assertThat(r.path("warnings")).isEmpty();
        assertThat(r.path("total_bytes").asLong()).isGreaterThan(packBytes);

        assertThat(run("stats")).isZero();
        assertThat(stdout()).contains("KIND").contains("data ").contains("2 snapshot(s), 585.9 KiB logical")
                .containsPattern("deduplication ratio 1\\.\\d\\dx")
                .contains("host=host-a source=files:")
                .containsPattern("unreferenced: \\d+ blob\\(s\\), .* \\(reclaimable by prune\\)");
    }

    @Test
    void statsOfAnEmptyRepositoryHaveNoRatio() throws Exception {
        assertThat(run("init")).isZero();

        assertThat(run("stats", "--json")).isZero();

        JsonNode r = JSON.readTree(stdout());
        assertThat(r.path("snapshots").asInt()).isZero();
        assertThat(r.path("deduplication_ratio").asDouble()).isZero();
        assertThat(r.path("sources")).isEmpty();
        assertThat(r.path("storage").get(0).path("objects").asInt()).as("config").isEqualTo(1);
    }
}
