package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.SnapshotId;
import io.lifeboat.repository.ClientContext;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.crypto.KdfParams;
import io.lifeboat.repository.lock.LockPolicy;
import io.lifeboat.repository.snapshot.Snapshot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forget, hold, release and holds commands in-process: parsing, rendering and exit codes.
 * Snapshots are written directly (forget never reads their trees), so no backup runs here;
 * RetentionIT covers real backups and restores through the built jar.
 */
class RetentionCommandsTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final ClientContext client = new ClientContext("host-a", "alice", Clock.fixed(NOW, BERLIN),
            LockPolicy.DEFAULT);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<SnapshotId> ids = new ArrayList<>();

    /** Three snapshots of one series on consecutive days, the middle one tagged {@code release}. */
    @BeforeEach
    void repositoryWithThreeSnapshots() {
        try (Repository repo = Repository.init(Main.defaultStorages(Map.of()).open(repo()), "pw".toCharArray(), KdfParams.FAST,
                1 << 20, client)) {
            for (int day = 0; day < 3; day++) {
                ids.add(repo.saveSnapshot(new Snapshot(null, NOW.minus(Duration.ofDays(3 - day)), "host-a", "alice",
                        "files", "/srv", List.of("/srv"), day == 1 ? List.of("release") : List.of(), null,
                        BlobId.of(new byte[32]), Map.of(), null, null, "test")));
            }
        }
    }

    private String repo() {
        return tmp.resolve("repo").toString();
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--repo");
        all.add(repo());
        CliContext ctx = new CliContext(Map.of("LIFEBOAT_PASSWORD", "pw"), null,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Main.defaultStorages(Map.of()), client, "test");
        return Main.run(ctx, all.toArray(String[]::new));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private JsonNode json() throws Exception {
        return JSON.readTree(stdout());
    }

    private List<String> snapshotIds() throws Exception {
        assertThat(run("snapshots", "--json")).isZero();
        List<String> out = new ArrayList<>();
        json().forEach(n -> out.add(n.path("id").asText()));
        return out;
    }

    @Test
    void forgetPrintsEachSnapshotWithKeepOrRemoveAndItsReasons() throws Exception {
        assertThat(run("hold", ids.get(0).shortHex(), "--reason", "case 4711")).isZero();

        assertThat(run("forget", "--keep-last", "1", "--keep-tag", "release", "--dry-run")).as(stderr()).isZero();

        assertThat(stdout()).contains("host=host-a source=files:/srv")
                .contains("keep    " + ids.get(2).shortHex() + "  2026-02-28 13:00:00")
                .containsPattern("keep    " + ids.get(1).shortHex() + ".*release +tag release")
                .containsPattern("keep    " + ids.get(0).shortHex() + ".*legal hold")
                .contains("3 snapshot(s) kept, 0 would be removed")
                .contains("Europe/Berlin");
        assertThat(snapshotIds()).hasSize(3);
    }

    @Test
    void forgetJsonFollowsTheDocumentedShape() throws Exception {
        assertThat(run("forget", "--keep-daily", "1", "--keep-within", "23h", "--json")).as(stderr()).isZero();

        JsonNode r = json();
        assertThat(r.path("dry_run").asBoolean()).isFalse();
        assertThat(r.path("time_zone").asText()).isEqualTo("Europe/Berlin");
        assertThat(r.path("group_by").toString()).isEqualTo("[\"host\",\"source\"]");
        assertThat(r.path("kept").asInt()).isEqualTo(1);
        assertThat(r.path("removed").asInt()).isEqualTo(2);
        JsonNode group = r.path("groups").get(0);
        assertThat(group.path("key").path("host").asText()).isEqualTo("host-a");
        assertThat(group.path("key").path("source_identity").asText()).isEqualTo("/srv");
        assertThat(group.path("key").path("tags").isNull()).isTrue();
        assertThat(group.path("kept").get(0).path("id").asText()).isEqualTo(ids.get(2).hex());
        assertThat(group.path("kept").get(0).path("reasons").toString()).isEqualTo("[\"daily 1/1\",\"within 23h\"]");
        assertThat(group.path("removed")).extracting(n -> n.path("id").asText())
                .containsExactly(ids.get(1).hex(), ids.get(0).hex());
        assertThat(snapshotIds()).containsExactly(ids.get(2).hex());
    }

    @Test
    void forgettingAHeldSnapshotExitsRefusedAndNamesTheHold() throws Exception {
        assertThat(run("hold", ids.get(0).hex(), "--reason", "case 4711")).isZero();

        assertThat(run("forget", ids.get(1).shortHex(), ids.get(0).shortHex())).isEqualTo(18);

        assertThat(stderr()).contains("snapshot " + ids.get(0).shortHex() + " is under legal hold")
                .contains("case 4711").contains("hint: ").contains("lifeboat release");
        assertThat(snapshotIds()).hasSize(3);

        assertThat(run("release", ids.get(0).shortHex())).isZero();
        assertThat(run("forget", ids.get(1).shortHex(), ids.get(0).shortHex())).as(stderr()).isZero();
        assertThat(snapshotIds()).containsExactly(ids.get(2).hex());
    }

    @Test
    void forgetWithoutRulesIsRefusedAndBadOptionsAreUsageErrors() throws Exception {
        assertThat(run("forget")).isEqualTo(ErrorCode.REFUSED.exitCode());
        assertThat(stderr()).contains("--keep-last");
        assertThat(run("forget", "--keep-last", "1", "--group-by", "host,colour")).isEqualTo(2);
        assertThat(run("forget", "--keep-within", "2x")).isEqualTo(2);
        assertThat(run("forget", "--keep-daily", "-1")).isEqualTo(2);
        assertThat(run("forget", "latest", "--keep-last", "1")).isEqualTo(2);
        assertThat(snapshotIds()).hasSize(3);
    }

    @Test
    void emptyGroupByMakesOneGroup() throws Exception {
        assertThat(run("forget", "--keep-last", "2", "--group-by", "", "--dry-run", "--json")).as(stderr()).isZero();

        JsonNode r = json();
        assertThat(r.path("group_by").size()).isZero();
        assertThat(r.path("groups").size()).isEqualTo(1);
        assertThat(r.path("groups").get(0).path("key").path("host").isNull()).isTrue();
    }

    @Test
    void holdsListsActiveAndLapsedHoldsAndReleaseRemovesThem() throws Exception {
        assertThat(run("hold", "latest", "--until", "2026-03-05", "--json")).as(stderr()).isZero();
        JsonNode placed = json();
        assertThat(placed.path("snapshot").asText()).isEqualTo(ids.get(2).hex());
        assertThat(placed.path("until").asText()).isEqualTo("2026-03-05T23:00:00Z");
        assertThat(run("hold", ids.get(0).shortHex())).isZero();

        assertThat(run("holds", "--json")).isZero();
        assertThat(json()).extracting(n -> n.path("short_id").asText(), n -> n.path("active").asBoolean(),
                n -> n.path("username").asText()).hasSize(2)
                .allSatisfy(t -> assertThat(t.toList()).contains(true, "alice"));
        assertThat(run("holds")).isZero();
        assertThat(stdout()).contains("until released").contains("2 hold(s)");

        assertThat(run("release", "latest", "--json")).isZero();
        assertThat(json().path("released").asText()).isEqualTo(ids.get(2).hex());
        assertThat(run("release", ids.get(2).shortHex())).isEqualTo(ErrorCode.NOT_FOUND.exitCode());
        assertThat(run("hold", ids.get(1).shortHex(), "--until", "2020-01-01")).isEqualTo(2);
        assertThat(stderr()).contains("not in the future");
    }

    @Test
    void untilReadsDatesAsWholeDaysAndTimesExactly() {
        assertThat(HoldCommand.parseUntil("2027-01-31", BERLIN)).isEqualTo(Instant.parse("2027-01-31T23:00:00Z"));
        assertThat(HoldCommand.parseUntil("2027-07-31", BERLIN)).isEqualTo(Instant.parse("2027-07-31T22:00:00Z"));
        assertThat(HoldCommand.parseUntil("2027-01-31T18:00:00Z", BERLIN)).isEqualTo(Instant.parse("2027-01-31T18:00:00Z"));
        assertThat(HoldCommand.parseUntil("2027-01-31T18:00:00+02:00", BERLIN))
                .isEqualTo(Instant.parse("2027-01-31T16:00:00Z"));
        assertThat(HoldCommand.parseUntil("2027-01-31T18:00", BERLIN)).isEqualTo(Instant.parse("2027-01-31T17:00:00Z"));
        assertThatThrownBy(() -> HoldCommand.parseUntil("31.01.2027", BERLIN))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    }
}
