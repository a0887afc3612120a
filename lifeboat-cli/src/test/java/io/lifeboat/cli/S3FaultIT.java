package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.testkit.net.FaultProxy;
import io.lifeboat.testkit.net.FaultProxy.Faults;
import io.lifeboat.testkit.s3.S3Server;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups to S3 through a TCP proxy that drops connections mid-transfer, delays responses beyond
 * the client's timeout and refuses connections. A backup either completes or fails with exit code
 * 16 (storage_io) and no snapshot; either way {@code check --read-data} passes afterwards and what
 * was committed restores exactly.
 */
class S3FaultIT {
    private static final String BUCKET = "lifeboat-faults";
    private static final String PASSWORD = "fault password";

    @TempDir
    static Path tmp;

    private static S3Server s3;
    private static FaultProxy proxy;
    private static Path source;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3Server.start(tmp.resolve("s3-data"));
        s3.createBucket(BUCKET);
        proxy = FaultProxy.start(s3.port(), 7);
        source = tmp.resolve("src");
        S3RoundTripIT.writeTree(source, 99);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    /** The CLI talking to S3 through the proxy, with a short socket timeout so that delays become timeouts. */
    private static CliProcess viaProxy(String prefix) {
        return CliProcess.forLocation("s3://" + BUCKET + "/" + prefix, PASSWORD).withEnv(s3.environment())
                .withEnv("LIFEBOAT_S3_ENDPOINT", "http://127.0.0.1:" + proxy.port())
                .withEnv("LIFEBOAT_S3_TIMEOUT", "3");
    }

    /** The CLI talking to S3 directly: the view of an undisturbed client. */
    private static CliProcess direct(String prefix) {
        return CliProcess.forLocation("s3://" + BUCKET + "/" + prefix, PASSWORD).withEnv(s3.environment());
    }

    @Test
    void backupThroughDroppedDelayedAndRefusedConnectionsCompletesOrFailsCleanly() {
        String prefix = "flaky/repo";
        direct(prefix).run("init").assertSuccess();
        // Every connection is cut somewhere within its first 24 MiB: the client reuses few pooled
        // connections, so a lower rate could let a whole backup through unharmed. Parts are 8 MiB,
        // so most part uploads still get through on a fresh connection, and retries finish the job.
        proxy.setFaults(Faults.NONE.withDrops(1.0, 24L << 20).withDelays(0.05, Duration.ofSeconds(4)).withRefusals(0.05));
        long droppedBefore = proxy.dropped();
        long connectionsBefore = proxy.connections();

        CliResult backup = viaProxy(prefix).run("backup", "files", source.toString(), "--json");
        proxy.setFaults(Faults.NONE);
        System.out.printf("S3FaultIT: backup through faults: exit %d in %.1fs; proxy: %d connections, %d dropped"
                        + " (all tests: %d delayed, %d refused)%n", backup.exitCode(), backup.seconds(),
                proxy.connections() - connectionsBefore, proxy.dropped() - droppedBefore, proxy.delayed(), proxy.refused());

        assertThat(proxy.dropped() - droppedBefore).as("connections cut during the backup").isPositive();
        JsonNode snapshots = direct(prefix).run("snapshots", "--json").assertSuccess().json();
        if (backup.exitCode() == 0) {
            assertThat(snapshots).hasSize(1);
            Path target = tmp.resolve("restore-flaky");
            direct(prefix).run("restore", "latest", "--target", target.toString()).assertSuccess();
            assertThat(TreeManifest.of(CliProcess.restoredLocation(target, source)).differencesFrom(TreeManifest.of(source)))
                    .isEmpty();
        } else {
            backup.assertExitCode(16);
            assertThat(snapshots).isEmpty();
        }
        JsonNode check = direct(prefix).run("check", "--read-data", "--json").assertSuccess().json();
        assertThat(check.path("ok").asBoolean()).isTrue();
    }

    @Test
    void backupWhoseStorageVanishesFailsWithStorageIoAndCommitsNothing() throws InterruptedException {
        String prefix = "vanishing/repo";
        direct(prefix).run("init").assertSuccess();
        proxy.setFaults(Faults.NONE);

        // Three attempts per call, so that giving up takes seconds, not the default minute per call.
        CliProcess.Running running = viaProxy(prefix).withEnv("LIFEBOAT_S3_MAX_ATTEMPTS", "3")
                .start("backup", "files", source.toString());
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (s3.keys(BUCKET, prefix + "/data/").isEmpty() && running.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(running.isAlive()).as("the backup is still uploading when the storage vanishes").isTrue();
        proxy.setFaults(Faults.NONE.withRefusals(1.0));
        proxy.resetOpenConnections();
        CliResult backup = running.await(Duration.ofMinutes(5));
        proxy.setFaults(Faults.NONE);

        backup.assertExitCode(16);
        assertThat(backup.stderr()).contains("error: ").contains("gave up after").contains("hint: ");
        assertThat(direct(prefix).run("snapshots", "--json").assertSuccess().json()).isEmpty();
        JsonNode check = direct(prefix).run("check", "--read-data", "--json").assertSuccess().json();
        assertThat(check.path("ok").asBoolean()).isTrue();

        // The next run, on a healthy network, completes and restores exactly.
        viaProxy(prefix).run("backup", "files", source.toString()).assertSuccess();
        Path target = tmp.resolve("restore-vanishing");
        direct(prefix).run("restore", "latest", "--target", target.toString()).assertSuccess();
        assertThat(TreeManifest.of(CliProcess.restoredLocation(target, source)).differencesFrom(TreeManifest.of(source)))
                .isEmpty();
    }
}
