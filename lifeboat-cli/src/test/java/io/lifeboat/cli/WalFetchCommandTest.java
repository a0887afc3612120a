package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.repository.ClientContext;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.repository.lock.LockPolicy;
import io.lifeboat.repository.wal.WalArchive;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wal fetch} in-process: prefetching into the data directory's spool and serving from it. */
class WalFetchCommandTest {
    private static final String SYS = "7312345678901234567";
    private static final int SEGMENT = 1 << 20;

    @TempDir
    Path tmp;

    private final ClientContext client = new ClientContext("host-a", "alice", Clock.systemUTC(), LockPolicy.DEFAULT);
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Path pgWal;

    /** Segments 0x0E to 0x14 of timeline 1 (1 MiB segments: 4096 per log id), crossing nothing special. */
    @BeforeEach
    void repositoryWithSevenSegments() throws Exception {
        try (Repository repo = Repository.init(Main.defaultStorages(Map.of()).open(repo()), "pw".toCharArray(),
                KdfParams.FAST, 1 << 20, client)) {
            WalArchive wal = new WalArchive(repo.storage(), repo.codec());
            for (int s = 0x0E; s <= 0x14; s++) {
                wal.push(SYS, name(s), segment(s));
            }
        }
        pgWal = Files.createDirectories(tmp.resolve("data").resolve("pg_wal"));
    }

    @Test
    void fetchPrefetchesTheNextSegmentsAndServesThemWithoutTheRepository() throws Exception {
        assertThat(run("wal", "fetch", "--prefetch", "3", "--system-id", SYS, name(0x0E), pgWal.resolve("RECOVERYXLOG").toString()))
                .isZero();
        assertThat(Files.readAllBytes(pgWal.resolve("RECOVERYXLOG"))).isEqualTo(segment(0x0E));
        Path spool = pgWal.resolve(".lifeboat-prefetch");
        assertThat(spooled(spool)).containsExactly(name(0x0F), name(0x10), name(0x11));

        // Served from the spool: it works even with the repository gone.
        deleteTree(tmp.resolve("repo"));
        assertThat(run("wal", "fetch", "--prefetch", "3", "--system-id", SYS, name(0x0F), pgWal.resolve("RECOVERYXLOG").toString()))
                .isZero();
        assertThat(Files.readAllBytes(pgWal.resolve("RECOVERYXLOG"))).isEqualTo(segment(0x0F));
        assertThat(spooled(spool)).containsExactly(name(0x10), name(0x11));
        // Skipping ahead drops what recovery has passed.
        assertThat(run("wal", "fetch", "--prefetch", "3", "--system-id", SYS, name(0x11), pgWal.resolve("RECOVERYXLOG").toString()))
                .isZero();
        assertThat(Files.readAllBytes(pgWal.resolve("RECOVERYXLOG"))).isEqualTo(segment(0x11));
        assertThat(spooled(spool)).isEmpty();
    }

    @Test
    void prefetchStopsAtTheEndOfTheArchiveAndAMissingSegmentStillExits13() throws Exception {
        assertThat(run("wal", "fetch", "--system-id", SYS, name(0x12), pgWal.resolve("RECOVERYXLOG").toString())).isZero();
        assertThat(spooled(pgWal.resolve(".lifeboat-prefetch"))).containsExactly(name(0x13), name(0x14));
        assertThat(run("wal", "fetch", "--system-id", SYS, name(0x15), pgWal.resolve("RECOVERYXLOG").toString())).isEqualTo(13);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void prefetchZeroFetchesOnlyTheRequestedSegment() throws Exception {
        assertThat(run("wal", "fetch", "--prefetch", "0", "--system-id", SYS, name(0x0E), pgWal.resolve("RECOVERYXLOG").toString()))
                .isZero();
        assertThat(Files.exists(pgWal.resolve(".lifeboat-prefetch"))).isFalse();
    }

    private static List<String> spooled(Path spool) throws Exception {
        if (!Files.exists(spool)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(spool)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private String repo() {
        return tmp.resolve("repo").toString();
    }

    private int run(String... args) {
        err.reset();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--repo");
        all.add(repo());
        CliContext ctx = new CliContext(Map.of("LIFEBOAT_PASSWORD", "pw"), null,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Main.defaultStorages(Map.of()), client, "test");
        return Main.run(ctx, all.toArray(String[]::new));
    }

    private static String name(int segno) {
        return String.format("00000001%08X%08X", segno / 4096, segno % 4096);
    }

    private static byte[] segment(int segno) {
        byte[] b = new byte[SEGMENT];
        Arrays.fill(b, (byte) segno);
        return b;
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
