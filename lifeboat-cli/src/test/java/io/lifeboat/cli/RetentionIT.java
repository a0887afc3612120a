package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention and legal holds as a user runs them: three real backups, a hold, forget by rule and by
 * id, release, and restores of what was kept, all through the built jar.
 */
class RetentionIT {
    @TempDir
    Path tmp;

    @Test
    void forgetKeepsTheNewestAndTheHeldSnapshotUntilTheHoldIsReleased() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        CliProcess cli = CliProcess.forRepository(tmp.resolve("repo"), "retention password");
        cli.run("init").assertSuccess();
        SplittableRandom random = new SplittableRandom(33);
        List<String> ids = new ArrayList<>();
        List<String> contents = new ArrayList<>();
        String[] tags = {"nightly", "weekly", "nightly"};
        for (int i = 0; i < 3; i++) {
            byte[] content = TestData.bytes(50_000 + i, random);
            Files.write(src.resolve("data.bin"), content);
            Files.writeString(src.resolve("version.txt"), "version " + i + "\n");
            contents.add(TestData.sha256(content));
            CliResult backup = cli.run("backup", "files", src.toString(), "--tag", tags[i], "--json").assertSuccess();
            ids.add(backup.json().path("snapshot").path("id").asText());
        }
        String oldest = ids.get(0);
        String middle = ids.get(1);
        String newest = ids.get(2);

        JsonNode hold = cli.run("hold", oldest.substring(0, 8), "--reason", "audit 2026", "--json").assertSuccess().json();
        assertThat(hold.path("snapshot").asText()).isEqualTo(oldest);
        assertThat(cli.run("holds", "--json").assertSuccess().json()).extracting(n -> n.path("snapshot").asText())
                .containsExactly(oldest);

        // A dry run decides, reports, and changes nothing.
        JsonNode dry = cli.run("forget", "--keep-last", "1", "--keep-tag", "weekly", "--dry-run", "--json")
                .assertSuccess().json();
        assertThat(dry.path("dry_run").asBoolean()).isTrue();
        assertThat(dry.path("removed").asInt()).isZero();
        dry = cli.run("forget", "--keep-last", "1", "--dry-run", "--json").assertSuccess().json();
        assertThat(removedIds(dry)).containsExactly(middle);
        assertThat(snapshotIds(cli)).containsExactly(oldest, middle, newest);

        // The real thing: the newest stays by rule, the oldest by its hold.
        JsonNode forget = cli.run("forget", "--keep-last", "1", "--json").assertSuccess().json();
        JsonNode group = forget.path("groups").get(0);
        assertThat(group.path("kept")).extracting(n -> n.path("id").asText(), n -> n.path("reasons").toString())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(newest, "[\"last 1/1\"]"),
                        org.assertj.core.groups.Tuple.tuple(oldest, "[\"legal hold\"]"));
        assertThat(removedIds(forget)).containsExactly(middle);
        assertThat(snapshotIds(cli)).containsExactly(oldest, newest);
        assertRestores(cli, oldest, contents.get(0), "restore-held");

        // Forgetting the held snapshot by id is refused and removes nothing.
        CliResult refused = cli.run("forget", oldest.substring(0, 8)).assertExitCode(18);
        assertThat(refused.stderr()).contains("under legal hold").contains("audit 2026").contains("lifeboat release");
        assertThat(snapshotIds(cli)).containsExactly(oldest, newest);

        // Once released, the same rule removes it.
        cli.run("release", oldest.substring(0, 8)).assertSuccess();
        assertThat(cli.run("holds", "--json").assertSuccess().json()).isEmpty();
        JsonNode after = cli.run("forget", "--keep-last", "1", "--json").assertSuccess().json();
        assertThat(removedIds(after)).containsExactly(oldest);
        assertThat(snapshotIds(cli)).containsExactly(newest);

        assertRestores(cli, newest, contents.get(2), "restore-newest");
        cli.run("check").assertSuccess();
    }

    private static List<String> removedIds(JsonNode forget) {
        List<String> out = new ArrayList<>();
        forget.path("groups").forEach(g -> g.path("removed").forEach(n -> out.add(n.path("id").asText())));
        return out;
    }

    private static List<String> snapshotIds(CliProcess cli) {
        List<String> out = new ArrayList<>();
        cli.run("snapshots", "--json").assertSuccess().json().forEach(n -> out.add(n.path("id").asText()));
        return out;
    }

    private void assertRestores(CliProcess cli, String snapshot, String expectedSha256, String into) {
        Path target = tmp.resolve(into);
        cli.run("restore", snapshot.substring(0, 8), "--target", target.toString()).assertSuccess();
        Path restored = CliProcess.restoredLocation(target, tmp.resolve("src")).resolve("data.bin");
        assertThat(TestData.sha256(restored)).as("content of %s restored from %s", restored, snapshot)
                .isEqualTo(expectedSha256);
    }
}
