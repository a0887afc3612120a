package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.testkit.s3.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against {@code s3://bucket/prefix} on a real S3 protocol server (S3Proxy, started in
 * this JVM; the CLI child gets endpoint and keys through its environment, as a user would set
 * them): init → backup → restore → compare byte for byte → check --read-data. Prints the S3
 * requests each command sent, per backup and per GB stored.
 */
class S3RoundTripIT {
    private static final String BUCKET = "lifeboat-e2e";
    private static final String PASSWORD = "s3 round trip password";
    private static final long SEED = 20_261_130L;

    @TempDir
    static Path tmp;

    private static S3Server s3;
    private static Path source;

    @BeforeAll
    static void startServerAndWriteTree() throws IOException {
        s3 = S3Server.start(tmp.resolve("s3-data"));
        s3.createBucket(BUCKET);
        source = tmp.resolve("src");
        writeTree(source, SEED);
    }

    @AfterAll
    static void stopServer() {
        if (s3 != null) {
            s3.close();
        }
    }

    private static CliProcess cli(String prefix) {
        return CliProcess.forLocation("s3://" + BUCKET + "/" + prefix, PASSWORD).withEnv(s3.environment());
    }

    @Test
    void backupRestoreAndCheckThroughS3() {
        CliProcess cli = cli("e2e/repo");
        JsonNode init = cli.run("init", "--json").assertSuccess().json();
        assertThat(init.path("location").asText()).startsWith("s3://" + BUCKET + "/e2e/repo");
        assertThat(s3.keys(BUCKET, "e2e/repo/")).contains("e2e/repo/config").anyMatch(k -> k.startsWith("e2e/repo/keys/"));

        CliResult first = cli.run("backup", "files", source.toString(), "--json").assertSuccess();
        JsonNode stats = first.json().path("snapshot").path("stats");
        JsonNode firstRequests = first.json().path("storage_requests");
        long bytesRead = stats.path("bytes_read").asLong();
        assertThat(bytesRead).isEqualTo(TestData.bytesUnder(source));
        assertThat(firstRequests.path("put").asLong()).as("packs, index, snapshot and lock were uploaded").isPositive();

        CliResult second = cli.run("backup", "files", source.toString(), "--json").assertSuccess();
        JsonNode secondRequests = second.json().path("storage_requests");
        assertThat(second.json().path("snapshot").path("stats").path("unchanged_files").asLong())
                .isEqualTo(stats.path("files").asLong());
        assertThat(secondRequests.path("put").asLong()).as("an unchanged backup uploads no data pack")
                .isLessThan(firstRequests.path("put").asLong());
        assertThat(secondRequests.path("total").asLong()).as("nor more requests than the first")
                .isLessThanOrEqualTo(firstRequests.path("total").asLong());

        long stored = s3.bytes(BUCKET, "e2e/repo/");
        double gib = stored / (double) TestData.GIB;
        System.out.printf("S3RoundTripIT: first backup %.1fs, %.1f MB/s, %s%n", first.seconds(),
                bytesRead / 1e6 / first.seconds(), firstRequests);
        System.out.printf("S3RoundTripIT: unchanged backup %.1fs, %s%n", second.seconds(), secondRequests);
        System.out.printf("S3RoundTripIT: %d bytes stored in %d objects; first backup: %.0f requests per GiB stored"
                        + " (%.0f PUT/GiB)%n", stored, s3.keys(BUCKET, "e2e/repo/").size(),
                firstRequests.path("total").asLong() / gib, firstRequests.path("put").asLong() / gib);

        Path target = tmp.resolve("restore");
        CliResult restore = cli.run("restore", "latest", "--target", target.toString(), "--json").assertSuccess();
        System.out.printf("S3RoundTripIT: restore %.1fs%n", restore.seconds());
        TreeManifest restored = TreeManifest.of(CliProcess.restoredLocation(target, source));
        assertThat(restored.differencesFrom(TreeManifest.of(source))).as("restored tree versus source").isEmpty();

        CliResult check = cli.run("check", "--read-data", "--json").assertSuccess();
        JsonNode c = check.json();
        assertThat(c.path("ok").asBoolean()).isTrue();
        assertThat(c.path("snapshots").asInt()).isEqualTo(2);
        assertThat(c.path("packs_read").asInt()).isEqualTo(c.path("packs").asInt()).isPositive();
        System.out.printf("S3RoundTripIT: check --read-data %.1fs, %s%n", check.seconds(), c.path("storage_requests"));

        for (CliResult r : new CliResult[] {first, second, restore, check}) {
            assertThat(r.stdout() + r.stderr()).doesNotContain(s3.secretKey()).doesNotContain(s3.accessKey());
        }
    }

    @Test
    void wrongSecretKeyGivesAClearErrorWithoutPrintingAnyKey() {
        CliProcess cli = cli("wrong-key/repo");
        String wrong = "Wrong" + s3.secretKey().substring(5);
        CliResult r = cli.withEnv("AWS_SECRET_ACCESS_KEY", wrong).run("init");

        r.assertExitCode(16);
        assertThat(r.stderr()).contains("error: ").contains("403").contains("hint: ").contains("access key");
        assertThat(r.stdout() + r.stderr()).doesNotContain(wrong).doesNotContain(s3.secretKey());
        assertThat(r.seconds()).as("a rejected key is not retried").isLessThan(30);
    }

    @Test
    void credentialsInTheLocationAreRefused() {
        CliResult r = CliProcess.forLocation("s3://AKIDX:supersecret@" + BUCKET + "/x", PASSWORD).run("init");

        r.assertExitCode(2);
        assertThat(r.stdout() + r.stderr()).doesNotContain("supersecret").contains("AWS_SECRET_ACCESS_KEY");
    }

    /** 150 small files, a 40 MiB incompressible file (multipart packs) and a compressible one. */
    static void writeTree(Path root, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        Files.createDirectories(root.resolve("small"));
        for (int i = 0; i < 150; i++) {
            Files.write(root.resolve("small").resolve("f" + i + ".bin"), TestData.bytes(random.nextInt(64 * 1024), random));
        }
        Files.createDirectories(root.resolve("big"));
        TestData.write(root.resolve("big/random.bin"), 40 * TestData.MIB, random.nextLong());
        TestData.writeCompressible(root.resolve("big/compressible.bin"), 16 * TestData.MIB, random.nextLong(), 4096);
        Files.writeString(root.resolve("Grüße.txt"), "non-ASCII name\n");
    }
}
