package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.testkit.s3.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lifeboat copy} from a local repository to S3 (a second site), and mirrors: a copy holds
 * every snapshot under the same id and restores it, {@code check} passes on it, copying again
 * moves nothing, and a failing mirror never fails a backup and catches up on the next run.
 */
class CopyIT {
    private static final String BUCKET = "lifeboat-copies";
    private static final String PASSWORD = "primary password";
    private static final String PASSWORD2 = "second site password";

    @TempDir
    static Path tmp;

    private static S3Server s3;
    private static Path source;

    @BeforeAll
    static void start() throws IOException {
        s3 = S3Server.start(tmp.resolve("s3-data"));
        s3.createBucket(BUCKET);
        source = tmp.resolve("src");
        S3RoundTripIT.writeTree(source, 31);
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
    }

    private static CliProcess primary(String name) {
        return CliProcess.forRepository(tmp.resolve(name), PASSWORD).withEnv(s3.environment())
                .withEnv("LIFEBOAT_PASSWORD2", PASSWORD2);
    }

    private static List<String> ids(JsonNode snapshots) {
        List<String> ids = new ArrayList<>();
        snapshots.forEach(s -> ids.add(s.path("id").asText()));
        return ids;
    }

    @Test
    void copyToS3HoldsEverySnapshotRestoresItAndCopiesNothingTheSecondTime() throws IOException {
        CliProcess local = primary("local-repo");
        local.run("init").assertSuccess();
        local.run("backup", "files", source.toString()).assertSuccess();
        Files.writeString(source.resolve("added-later.txt"), "second snapshot\n");
        local.run("backup", "files", source.toString()).assertSuccess();
        String target = "s3://" + BUCKET + "/site-b";

        CliResult first = local.run("copy", "--to", target, "--init", "--json").assertSuccess();
        JsonNode c = first.json();
        assertThat(c.path("initialized").asBoolean()).isTrue();
        assertThat(c.path("copied")).hasSize(2);
        assertThat(c.path("blobs_copied").asLong()).isPositive();
        System.out.printf("CopyIT: first copy %.1fs, %d bytes, target requests %s%n", first.seconds(),
                c.path("bytes_copied").asLong(), c.path("storage_requests").path("to"));

        CliProcess copy = CliProcess.forLocation(target, PASSWORD2).withEnv(s3.environment());
        List<String> sourceIds = ids(local.run("snapshots", "--json").assertSuccess().json());
        assertThat(ids(copy.run("snapshots", "--json").assertSuccess().json())).isEqualTo(sourceIds);

        CliResult again = local.run("copy", "--to", target, "--json").assertSuccess();
        assertThat(again.json().path("copied")).isEmpty();
        assertThat(again.json().path("already_present")).hasSize(2);
        assertThat(again.json().path("blobs_copied").asLong()).isZero();
        assertThat(again.json().path("storage_requests").path("to").path("put").asLong())
                .as("only the lock object is written").isLessThanOrEqualTo(1);

        JsonNode check = copy.run("check", "--read-data", "--json").assertSuccess().json();
        assertThat(check.path("ok").asBoolean()).isTrue();
        assertThat(check.path("snapshots").asInt()).isEqualTo(2);

        Path restored = tmp.resolve("restored-from-copy");
        copy.run("restore", "latest", "--target", restored.toString()).assertSuccess();
        assertThat(TreeManifest.of(CliProcess.restoredLocation(restored, source))
                .differencesFrom(TreeManifest.of(source))).isEmpty();

        // The copy has its own password: the primary's does not open it.
        CliProcess.forLocation(target, PASSWORD).withEnv(s3.environment()).run("snapshots").assertExitCode(12);
    }

    @Test
    void copyIntoAnIndependentRepositoryIsRefused() {
        CliProcess local = primary("refusing-src");
        local.run("init").assertSuccess();
        local.run("backup", "files", source.resolve("small").toString()).assertSuccess();
        CliProcess.forLocation("s3://" + BUCKET + "/independent", PASSWORD2).withEnv(s3.environment())
                .run("init").assertSuccess();

        CliResult r = local.run("copy", "--to", "s3://" + BUCKET + "/independent");
        r.assertExitCode(18);
        assertThat(r.stderr()).contains("copy target").contains("--init");
    }

    @Test
    void aFailingMirrorNeverFailsTheBackupAndCatchesUpOnTheNextRun() throws IOException {
        CliProcess local = primary("mirrored-repo");
        local.run("init").assertSuccess();
        String good = "s3://" + BUCKET + "/mirror-good";
        Path late = tmp.resolve("mirror-late");
        local.run("copy", "--to", good, "--init").assertSuccess();
        local.run("copy", "--to", late.toString(), "--init").assertSuccess();

        // The second mirror is unreachable during the first backup.
        Path away = tmp.resolve("mirror-late-away");
        Files.move(late, away);
        CliResult first = local.withEnv("LIFEBOAT_MIRRORS", good + " " + late)
                .run("backup", "files", source.resolve("small").toString(), "--json").assertSuccess();
        JsonNode mirrors = first.json().path("mirrors");
        assertThat(mirrors).hasSize(2);
        assertThat(mirrors.get(0).path("ok").asBoolean()).isTrue();
        assertThat(mirrors.get(0).path("copied")).hasSize(1);
        assertThat(mirrors.get(1).path("ok").asBoolean()).isFalse();
        assertThat(mirrors.get(1).path("error").path("code").asText()).isEqualTo("repository_not_found");

        Files.move(away, late);
        Files.writeString(source.resolve("small/new.txt"), "new\n");
        CliResult second = local.run("backup", "files", source.resolve("small").toString(), "--mirror", good,
                "--mirror", late.toString()).assertSuccess();
        assertThat(second.stdout()).contains("mirror s3://" + BUCKET + "/mirror-good: 1 snapshot(s) copied")
                .contains("mirror " + late + ": 2 snapshot(s) copied");

        List<String> primaryIds = ids(local.run("snapshots", "--json").assertSuccess().json());
        assertThat(primaryIds).hasSize(2);
        for (String mirror : List.of(good, late.toString())) {
            CliProcess m = CliProcess.forLocation(mirror, PASSWORD2).withEnv(s3.environment());
            assertThat(ids(m.run("snapshots", "--json").assertSuccess().json())).as(mirror).isEqualTo(primaryIds);
            assertThat(m.run("check", "--json").assertSuccess().json().path("ok").asBoolean()).isTrue();
        }
    }
}
