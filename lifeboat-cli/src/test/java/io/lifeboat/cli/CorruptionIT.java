package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * One flipped byte in any pack is found by {@code check --read-data}, which names the pack and
 * the snapshots that use it, and it makes every restore that needs it fail with exit code 14
 * instead of writing wrong data. Every pack of a two-snapshot repository is damaged in turn (one
 * dynamic test per pack) and repaired afterwards.
 *
 * <p>A pack is {@code blob… ‖ sealed header ‖ u32le header length}. Restore reads blobs at the
 * offsets the index gives and never reads the header, so the byte that restore must trip over is
 * flipped in the blob region; a second flip in the header only has to be found by check.
 */
class CorruptionIT {
    private static final long SEED = 14L;
    private static final long MIB = TestData.MIB;

    @TempDir
    static Path tmp;

    private static Path source;
    private static CliProcess cli;
    private static String firstSnapshot;
    private static String secondSnapshot;
    private static TreeManifest firstTree;
    private static TreeManifest secondTree;
    private static Set<Path> firstPacks;
    private static Set<Path> secondPacks;

    @BeforeAll
    static void backUpTwoSnapshots() throws IOException {
        source = tmp.resolve("src");
        SplittableRandom random = new SplittableRandom(SEED);
        Files.createDirectories(source.resolve("a"));
        Files.createDirectories(source.resolve("b"));
        for (int i = 0; i < 4; i++) {
            TestData.write(source.resolve("a/five-mib-" + i + ".bin"), 5 * MIB, random.nextLong());
        }
        for (int i = 0; i < 3; i++) {
            TestData.write(source.resolve("b/three-mib-" + i + ".bin"), 3 * MIB, random.nextLong());
        }
        for (int i = 0; i < 20; i++) {
            Files.write(source.resolve("b/small-" + i + ".txt"), TestData.bytes(random.nextInt(10_000), random));
        }
        cli = CliProcess.forRepository(tmp.resolve("repo"), "corruption password");
        cli.run("init").assertSuccess();

        firstTree = TreeManifest.of(source);
        firstSnapshot = backup();
        firstPacks = packs();
        TestData.write(source.resolve("added-later.bin"), 2 * MIB, random.nextLong());
        secondTree = TreeManifest.of(source);
        secondSnapshot = backup();
        secondPacks = new TreeSet<>(packs());
        secondPacks.removeAll(firstPacks);

        cli.run("check", "--read-data", "--json").assertSuccess();
        System.out.printf("CorruptionIT: snapshot 1 %s wrote %d pack(s), snapshot 2 %s wrote %d pack(s)%n",
                firstSnapshot.substring(0, 8), firstPacks.size(), secondSnapshot.substring(0, 8), secondPacks.size());
        assertThat(firstPacks).as("packs of the first backup").hasSizeGreaterThanOrEqualTo(3);
        assertThat(secondPacks).as("packs of the second backup").hasSizeGreaterThanOrEqualTo(2);
    }

    @AfterAll
    static void everyPackIsWholeAgain() {
        JsonNode check = cli.run("check", "--read-data", "--json").assertSuccess().json();
        assertThat(check.path("ok").asBoolean()).isTrue();
        assertThat(check.path("problems")).isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> flippedByteInAnyPackIsReportedAndNeverRestoredAsData() {
        Random random = new Random(SEED);
        List<DynamicTest> tests = new ArrayList<>();
        for (Path pack : firstPacks) {
            long seed = random.nextLong();
            List<String> usedBy = List.of(firstSnapshot, secondSnapshot);
            tests.add(DynamicTest.dynamicTest(describe(pack, 1), () -> damage(pack, usedBy, seed)));
        }
        for (Path pack : secondPacks) {
            long seed = random.nextLong();
            tests.add(DynamicTest.dynamicTest(describe(pack, 2), () -> damage(pack, List.of(secondSnapshot), seed)));
        }
        return tests.stream();
    }

    /** Damages {@code pack} twice (blob region, then header) and checks what check and restore say. */
    private static void damage(Path pack, List<String> usedBy, long seed) throws IOException {
        Random random = new Random(seed);
        long size = Files.size(pack);
        long headerStart = size - 4 - headerLength(pack);
        assertThat(headerStart).as("header start of %s", pack).isBetween(1L, size - 4);

        long inBlob = (long) (random.nextDouble() * headerStart);
        System.out.printf("CorruptionIT: %s (%d bytes): flipping byte %d (blob region)%n", name(pack), size, inBlob);
        flip(pack, inBlob);
        try {
            assertCheckBlames(pack, usedBy);
            assertRestoresFailWithoutWrongData(usedBy);
        } finally {
            flip(pack, inBlob);
        }

        long inHeader = headerStart + (long) (random.nextDouble() * (size - 4 - headerStart));
        System.out.printf("CorruptionIT: %s: flipping byte %d (header)%n", name(pack), inHeader);
        flip(pack, inHeader);
        try {
            assertCheckBlames(pack, usedBy);
        } finally {
            flip(pack, inHeader);
        }
    }

    private static void assertCheckBlames(Path pack, List<String> usedBy) {
        CliResult check = cli.run("check", "--read-data", "--json").assertExitCode(14);
        JsonNode result = check.json();
        assertThat(result.path("ok").asBoolean()).isFalse();
        Set<String> objects = new TreeSet<>();
        Set<String> affected = new TreeSet<>();
        for (JsonNode problem : result.path("problems")) {
            objects.add(problem.path("object").asText());
            problem.path("affected_snapshots").forEach(s -> affected.add(s.asText()));
        }
        assertThat(objects).as("objects named by %s", check.describe()).containsExactly(name(pack));
        assertThat(affected).as("affected snapshots of %s", name(pack)).containsExactlyInAnyOrderElementsOf(usedBy);
    }

    /**
     * Restores every snapshot that uses the damaged pack. At least one needs the damaged blob and
     * fails with 14; whatever any restore leaves behind is byte-identical to the source, and no
     * temporary file remains.
     */
    private static void assertRestoresFailWithoutWrongData(List<String> usedBy) throws IOException {
        int failed = 0;
        for (String snapshot : usedBy) {
            Path target = tmp.resolve("restore-" + snapshot.substring(0, 8));
            CliResult restore = cli.run("restore", snapshot, "--target", target.toString());
            TreeManifest expected = snapshot.equals(firstSnapshot) ? firstTree : secondTree;
            Path restored = CliProcess.restoredLocation(target, source);
            if (restore.exitCode() == 14) {
                failed++;
                assertThat(restore.stderr()).as(restore.describe())
                        .containsAnyOf("authentication failed", "damaged", "does not match").contains("hint: ");
                Map<String, TreeManifest.Entry> present =
                        Files.exists(restored) ? TreeManifest.of(restored).files() : Map.of();
                assertThat(present.size()).as("files left by the failed restore of %s", snapshot)
                        .isLessThan(expected.files().size());
                System.out.printf("CorruptionIT:   restore %s: exit 14 after %d of %d files; %s%n",
                        snapshot.substring(0, 8), present.size(), expected.files().size(),
                        restore.stderr().lines().findFirst().orElse(""));
                present.forEach((path, entry) -> {
                    TreeManifest.Entry original = expected.files().get(path);
                    assertThat(original).as("restored file %s exists in the source", path).isNotNull();
                    assertThat(entry.sha256()).as("content of restored file %s", path).isEqualTo(original.sha256());
                });
            } else {
                restore.assertSuccess();
                System.out.printf("CorruptionIT:   restore %s: exit 0 (the damaged blob is not part of it)%n",
                        snapshot.substring(0, 8));
                assertThat(TreeManifest.of(restored).differencesFrom(expected)).isEmpty();
            }
            assertThat(temporaryFiles(target)).as("temporary files left in %s", target).isEmpty();
            TestData.deleteTree(target);
        }
        assertThat(failed).as("restores of %s that failed with exit code 14", usedBy).isPositive();
    }

    private static String backup() {
        return cli.run("backup", "files", source.toString(), "--json").assertSuccess().json()
                .path("snapshot").path("id").asText();
    }

    private static Set<Path> packs() {
        try (Stream<Path> s = Files.walk(cli.repository().resolve("data"))) {
            return new TreeSet<>(s.filter(Files::isRegularFile).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String describe(Path pack, int backup) {
        try {
            return "pack " + name(pack) + " of backup " + backup + " (" + Files.size(pack) + " bytes)";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The object name that check reports: {@code data/xx/<id>}. */
    private static String name(Path pack) {
        return cli.repository().relativize(pack).toString();
    }

    private static long headerLength(Path pack) throws IOException {
        try (FileChannel ch = FileChannel.open(pack, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, ch.size() - 4);
            return Integer.toUnsignedLong(b.flip().getInt());
        }
    }

    private static void flip(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x01)).rewind();
            ch.write(b, offset);
        }
    }

    private static List<Path> temporaryFiles(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".lifeboat-restore-")).toList();
        }
    }
}
