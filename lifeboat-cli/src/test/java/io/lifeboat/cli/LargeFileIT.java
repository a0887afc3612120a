package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file far larger than the heap goes through backup and restore in constant memory: a 10 GiB
 * file with a child JVM capped at 256 MiB. The content is unique in every 1 MiB (64 KiB random,
 * then zeros), so every byte is chunked, hashed and packed. Cut points fall only in the random
 * parts, so most chunks have the maximum size (8 MiB), and the repository stays near 700 MiB (it
 * held 5.6 GB when three samples, all on random bytes, had half the chunks stored uncompressed).
 */
class LargeFileIT {
    private static final long SIZE = 10 * TestData.GIB;
    private static final long NEEDED_FREE = 35 * TestData.GIB;
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    @TempDir
    Path tmp;

    @Test
    void tenGibFileBacksUpAndRestoresIdenticallyWithA256MibHeap() throws IOException {
        long free = Files.getFileStore(tmp).getUsableSpace();
        assumeThat(free).as("LargeFileIT needs 35 GiB free in %s, which has %d GiB; skipped", tmp, free >> 30)
                .isGreaterThanOrEqualTo(NEEDED_FREE);
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path file = src.resolve("ten-gib.bin");
        Path target = tmp.resolve("restore");
        CliProcess cli = CliProcess.forRepository(tmp.resolve("repo"), "large file password").withTimeout(TIMEOUT);
        CliProcess small = cli.withJvmOptions("-Xmx256m");
        try {
            long t0 = System.nanoTime();
            String sha = TestData.writeCompressible(file, SIZE, 10, 64 * 1024);
            System.out.printf("LargeFileIT: wrote %d bytes in %.1fs%n", SIZE, (System.nanoTime() - t0) / 1e9);
            cli.run("init").assertSuccess();

            CliResult backup = small.run("backup", "files", file.toString(), "--json").assertSuccess();
            JsonNode stats = backup.json().path("snapshot").path("stats");
            System.out.printf("LargeFileIT: backup with -Xmx256m took %.1fs: %s; repository %d bytes%n",
                    backup.seconds(), stats, TestData.bytesUnder(cli.repository()));
            assertThat(stats.path("bytes_read").asLong()).isEqualTo(SIZE);
            assertThat(TestData.bytesUnder(cli.repository())).as("repository bytes").isLessThan(SIZE / 8);
            assertThat(stats.path("files").asLong()).isEqualTo(1);

            CliResult restore = small.run("restore", "latest", "--target", target.toString(), "--include",
                    file.toString(), "--json").assertSuccess();
            Path restored = CliProcess.restoredLocation(target, file);
            long t1 = System.nanoTime();
            String restoredSha = TestData.sha256(restored);
            System.out.printf("LargeFileIT: restore with -Xmx256m took %.1fs, hashing the result %.1fs%n",
                    restore.seconds(), (System.nanoTime() - t1) / 1e9);
            assertThat(restore.json().path("bytes_written").asLong()).isEqualTo(SIZE);
            assertThat(Files.size(restored)).isEqualTo(SIZE);
            assertThat(restoredSha).as("SHA-256 of the restored file").isEqualTo(sha);
        } finally {
            TestData.deleteTree(src);
            TestData.deleteTree(target);
            TestData.deleteTree(cli.repository());
        }
    }
}
