package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deduplication as a user measures it: the size of the repository directory, and the stats that
 * {@code backup --json} reports. Both are printed so that they can be quoted.
 */
class DeduplicationIT {
    private static final long MIB = TestData.MIB;

    private static final int FILES = 513;

    @TempDir
    static Path tmp;

    private static Path tree;
    private static long treeBytes;
    private static CliProcess cli;

    /** ~1 GiB of random data: one 512 MiB file and 512 files of 1 MiB, backed up once. */
    @BeforeAll
    static void backUpTheTreeOnce() throws IOException {
        tree = Files.createDirectories(tmp.resolve("tree"));
        SplittableRandom random = new SplittableRandom(1_024);
        TestData.write(tree.resolve("half-gib.bin"), 512 * MIB, random.nextLong());
        for (int i = 0; i < FILES - 1; i++) {
            Path dir = Files.createDirectories(tree.resolve("mib/" + (i / 64)));
            TestData.write(dir.resolve("file-" + i + ".bin"), MIB, random.nextLong());
        }
        treeBytes = TestData.bytesUnder(tree);
        cli = CliProcess.forRepository(tmp.resolve("repo"), "dedup password");
        cli.run("init").assertSuccess();
        CliResult first = cli.run("backup", "files", tree.toString(), "--json").assertSuccess();
        long stored = TestData.bytesUnder(cli.repository());
        System.out.printf("DeduplicationIT: tree %d bytes in %d files; first backup %.1fs, repository %d bytes%n",
                treeBytes, FILES, first.seconds(), stored);
        assertThat(stored).as("the first backup stores the whole (incompressible) tree").isGreaterThan(treeBytes);
    }

    @Test
    void unchangedTreeAddsLessThanOnePercentOnSecondBackup() {
        long before = TestData.bytesUnder(cli.repository());
        CliResult again = cli.run("backup", "files", tree.toString(), "--json").assertSuccess();
        long growth = TestData.bytesUnder(cli.repository()) - before;

        JsonNode stats = again.json().path("snapshot").path("stats");
        report("unchanged tree", again, stats, growth);
        assertThat(stats.path("stored_bytes_added").asLong()).as("stored_bytes_added").isLessThan(treeBytes / 100);
        assertThat(growth).as("repository growth").isLessThan(treeBytes / 100);
        assertThat(stats.path("unchanged_files").asLong()).isEqualTo(FILES);
        assertThat(stats.path("files").asLong()).isEqualTo(FILES);
    }

    @Test
    void treeReadAgainWithForceDeduplicatesToLessThanOnePercent() {
        long before = TestData.bytesUnder(cli.repository());
        CliResult forced = cli.run("backup", "files", tree.toString(), "--force", "--json").assertSuccess();
        long growth = TestData.bytesUnder(cli.repository()) - before;

        JsonNode stats = forced.json().path("snapshot").path("stats");
        report("unchanged tree read again (--force)", forced, stats, growth);
        assertThat(stats.path("bytes_read").asLong()).as("--force reads every byte again").isEqualTo(treeBytes);
        assertThat(stats.path("stored_bytes_added").asLong()).as("stored_bytes_added").isLessThan(treeBytes / 100);
        assertThat(growth).as("repository growth").isLessThan(treeBytes / 100);
    }

    private static void report(String what, CliResult backup, JsonNode stats, long growth) {
        System.out.printf("DeduplicationIT %s: backup %.1fs, bytes_read %d, unchanged_files %d, stored_bytes_added %d, "
                + "repository growth %d bytes (%.4f%% of the tree)%n", what, backup.seconds(),
                stats.path("bytes_read").asLong(), stats.path("unchanged_files").asLong(),
                stats.path("stored_bytes_added").asLong(), growth, 100.0 * growth / treeBytes);
    }

    @Test
    void oneByteInsertedAtTheStartOfABigFileAddsLessThanFiveMib() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("shifted"));
        Path file = src.resolve("data.bin");
        long size = 100 * MIB;
        TestData.write(file, size, 100);
        CliProcess shiftedCli = CliProcess.forRepository(tmp.resolve("shifted-repo"), "dedup password");
        shiftedCli.run("init").assertSuccess();
        shiftedCli.run("backup", "files", src.toString(), "--json").assertSuccess();
        long before = TestData.bytesUnder(shiftedCli.repository());

        insertByteAtStart(file, (byte) 0x42);
        CliResult second = shiftedCli.run("backup", "files", src.toString(), "--json").assertSuccess();
        long growth = TestData.bytesUnder(shiftedCli.repository()) - before;

        JsonNode stats = second.json().path("snapshot").path("stats");
        System.out.printf("DeduplicationIT shifted file: %d bytes, one byte inserted at offset 0; second backup read "
                + "%d bytes, stored_bytes_added %d, repository growth %d bytes (%.2f MiB)%n", size,
                stats.path("bytes_read").asLong(), stats.path("stored_bytes_added").asLong(), growth,
                growth / (double) MIB);

        assertThat(stats.path("bytes_read").asLong()).as("the changed file is read again").isEqualTo(size + 1);
        assertThat(growth).as("repository growth after shifting the content by one byte").isLessThan(5 * MIB);
    }

    private static void insertByteAtStart(Path file, byte b) throws IOException {
        Path shifted = file.resolveSibling(file.getFileName() + ".shifted");
        try (InputStream in = Files.newInputStream(file); OutputStream out = Files.newOutputStream(shifted)) {
            out.write(b);
            in.transferTo(out);
        }
        Files.move(shifted, file, StandardCopyOption.REPLACE_EXISTING);
    }
}
