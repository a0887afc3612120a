package io.lifeboat.testkit.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import io.lifeboat.qdrant.standin.CollectionConfig;
import io.lifeboat.qdrant.standin.Point;
import io.lifeboat.qdrant.standin.PointId;
import io.lifeboat.qdrant.standin.QdrantCollection;
import io.lifeboat.qdrant.standin.QdrantStandIn;
import io.lifeboat.qdrant.standin.SnapshotArchive;
import io.lifeboat.qdrant.standin.StandInConfig;
import io.lifeboat.qdrant.standin.VectorParams;
import io.lifeboat.testkit.qdrant.SpecClient.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** Snapshot endpoints: create, list, download, delete, upload and recover, validated against the spec. */
class QdrantSnapshotApiTest {
    private static final Instant NOW = Instant.parse("2026-11-30T19:04:05Z");

    @TempDir
    Path tmp;

    private QdrantStandIn qdrant;
    private SpecClient client;

    @BeforeEach
    void start() {
        qdrant = QdrantStandIn.start(StandInConfig.defaults().withClock(Clock.fixed(NOW, ZoneOffset.UTC)));
        client = new SpecClient(qdrant.url());
        QdrantCollection docs = qdrant.createCollection("docs", CollectionConfig.named(Map.of(
                "text", new VectorParams(8, "Cosine"), "image", new VectorParams(3, "Dot"))));
        docs.upsert(QdrantData.points(new Random(7), 500, docs.config()));
    }

    @AfterEach
    void stop() {
        qdrant.close();
    }

    private JsonNode createSnapshot(String collection) {
        Reply r = client.post("/collections/" + collection + "/snapshots?wait=true", null);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.result();
    }

    private Path download(String collection, String name) throws IOException {
        Reply r = client.send("GET", "/collections/" + collection + "/snapshots/" + name, null, null, true);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("application/octet-stream");
        Path f = tmp.resolve(name);
        Files.write(f, r.body());
        return f;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void snapshotIsDescribedListedDownloadableAndDeletable() throws Exception {
        JsonNode d = createSnapshot("docs");

        String name = d.path("name").asText();
        assertThat(name).isEqualTo("docs-" + qdrant.config().peerId() + "-2026-11-30-19-04-05.snapshot");
        assertThat(d.path("creation_time").asText()).isEqualTo("2026-11-30T19:04:05");
        assertThat(client.get("/collections/docs/snapshots").result()).singleElement()
                .satisfies(l -> assertThat(l).isEqualTo(d));
        Path file = download("docs", name);
        assertThat(Files.size(file)).isEqualTo(d.path("size").asLong());
        assertThat(sha256(Files.readAllBytes(file))).isEqualTo(d.path("checksum").asText()).matches("[0-9a-f]{64}");
        assertThat(SnapshotArchive.entries(file)).extracting(SnapshotArchive.Entry::name)
                .contains("config.json", "0/replica_state.json", "0/shard_config.json", "0/newest_clocks.json", "0/wal/",
                        "0/segments/segment-000000/points.bin");

        assertThat(client.delete("/collections/docs/snapshots/" + name).result().asBoolean()).isTrue();

        assertThat(client.get("/collections/docs/snapshots").result()).isEmpty();
        try (var left = Files.list(qdrant.snapshotFolder().resolve("docs"))) {
            assertThat(left).as("file and checksum removed").isEmpty();
        }
        assertThat(client.delete("/collections/docs/snapshots/" + name).status()).isEqualTo(404);
    }

    @Test
    void downloadHonoursRanges() throws Exception {
        String name = createSnapshot("docs").path("name").asText();
        byte[] whole = Files.readAllBytes(download("docs", name));

        Reply part = client.with("Range", "bytes=100-1123").send("GET", "/collections/docs/snapshots/" + name, null, null,
                false);
        Reply tail = client.with("Range", "bytes=-50").send("GET", "/collections/docs/snapshots/" + name, null, null, false);
        Reply beyond = client.with("Range", "bytes=" + whole.length + "-").send("GET", "/collections/docs/snapshots/" + name,
                null, null, false);

        assertThat(part.status()).isEqualTo(206);
        assertThat(part.header("Content-Range")).isEqualTo("bytes 100-1123/" + whole.length);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(whole, 100, 1124));
        assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(whole, whole.length - 50, whole.length));
        assertThat(beyond.status()).isEqualTo(416);
    }

    @Test
    void downloadErrorsArePlainTextAndListErrorsJson() {
        createSnapshot("docs");

        Reply unknownSnapshot = client.plain("GET", "/collections/docs/snapshots/nope.snapshot");
        Reply unknownCollection = client.plain("GET", "/collections/nope/snapshots/x.snapshot");
        Reply traversal = client.plain("GET", "/collections/docs/snapshots/..%2F..%2Fetc%2Fpasswd");
        Reply traversalDelete = client.delete("/collections/docs/snapshots/..%2Fdocs");
        Reply listUnknown = client.get("/collections/nope/snapshots");

        assertThat(unknownSnapshot.status()).isEqualTo(404);
        assertThat(unknownCollection.status()).isEqualTo(404);
        assertThat(traversal.status()).isEqualTo(404);
        assertThat(traversalDelete.status()).isEqualTo(404);
        assertThat(listUnknown.status()).isEqualTo(404);
        assertThat(listUnknown.error()).contains("nope");
        assertThat(qdrant.snapshotFiles()).hasSize(1);
    }

    @Test
    void twoSnapshotsInOneSecondShareTheName() {
        JsonNode first = createSnapshot("docs");
        JsonNode second = createSnapshot("docs");

        assertThat(second.path("name")).isEqualTo(first.path("name"));
        assertThat(second.path("checksum")).as("an unchanged collection gives the same bytes").isEqualTo(first.path("checksum"));
        assertThat(client.get("/collections/docs/snapshots").result()).hasSize(1);
    }

    @Test
    void uploadRestoresIntoANewCollectionAndKeepsTheFile() throws Exception {
        JsonNode d = createSnapshot("docs");
        Path file = download("docs", d.path("name").asText());

        Reply up = client.upload("/collections/copy/snapshots/upload?wait=true&priority=snapshot&checksum="
                + d.path("checksum").asText(), file, true);

        assertThat(up.status()).as(up.text()).isEqualTo(200);
        assertThat(up.result().asBoolean()).isTrue();
        assertThat(qdrant.collection("copy").orElseThrow().points())
                .isEqualTo(qdrant.collection("docs").orElseThrow().points()).hasSize(500);
        assertThat(qdrant.collection("copy").orElseThrow().config()).isEqualTo(qdrant.collection("docs").orElseThrow().config());
        assertThat(qdrant.lastRecoveryPriority()).isEqualTo("snapshot");
        assertThat(client.get("/collections/copy/snapshots").result()).extracting(n -> n.path("name").asText())
                .containsExactly(file.getFileName().toString());
    }

    @Test
    void uploadWithWrongChecksumIsRefusedAndChangesNothing() throws Exception {
        qdrant.createCollection("target", qdrant.collection("docs").orElseThrow().config());
        Path file = download("docs", createSnapshot("docs").path("name").asText());

        Reply up = client.upload("/collections/target/snapshots/upload?priority=snapshot&checksum=" + "0".repeat(64), file,
                true);

        assertThat(up.status()).isEqualTo(400);
        assertThat(up.error()).contains("checksum mismatch");
        assertThat(qdrant.collection("target").orElseThrow().size()).isZero();
        assertThat(client.get("/collections/target/snapshots").result()).isEmpty();
    }

    @Test
    void uploadOfSomethingNotATarIs500AndLeavesTheCollectionUntouched() throws Exception {
        Path junk = tmp.resolve("junk.snapshot");
        byte[] bytes = new byte[10_000];
        new Random(3).nextBytes(bytes);
        Files.write(junk, bytes);
        int before = qdrant.collection("docs").orElseThrow().size();

        Reply up = client.upload("/collections/docs/snapshots/upload?priority=snapshot", junk, true);

        assertThat(up.status()).isEqualTo(500);
        assertThat(up.error()).startsWith("Service internal error: File IO error: Malformed tar archive");
        assertThat(qdrant.collection("docs").orElseThrow().size()).isEqualTo(before);
        assertThat(qdrant.snapshotFiles()).isEmpty();
    }

    @Test
    void uploadIntoAnIncompatibleCollectionIs400() throws Exception {
        Path file = download("docs", createSnapshot("docs").path("name").asText());
        qdrant.createCollection("other", CollectionConfig.single(8, "Cosine"));
        qdrant.createCollection("sharded", qdrant.collection("docs").orElseThrow().config().withShards(3));

        Reply vectors = client.upload("/collections/other/snapshots/upload?priority=replica", file, true);
        Reply shards = client.upload("/collections/sharded/snapshots/upload?priority=replica", file, true);

        assertThat(vectors.status()).isEqualTo(400);
        assertThat(vectors.error()).contains("not compatible").contains("vector");
        assertThat(shards.status()).isEqualTo(400);
        assertThat(shards.error()).contains("shard number");
        assertThat(qdrant.collection("other").orElseThrow().size()).isZero();
    }

    @Test
    void uploadOverwritesACompatibleCollection() throws Exception {
        Path file = download("docs", createSnapshot("docs").path("name").asText());
        QdrantCollection docs = qdrant.collection("docs").orElseThrow();
        List<Point> original = docs.points();
        docs.upsert(QdrantData.points(new Random(99), 50, docs.config()).stream()
                .map(p -> new Point(PointId.of(UUID.randomUUID()), p.vectors(), p.payload())).toList());

        Reply up = client.upload("/collections/docs/snapshots/upload?priority=no_sync", file, true);

        assertThat(up.status()).isEqualTo(200);
        assertThat(qdrant.collection("docs").orElseThrow().points()).isEqualTo(original);
    }

    @Test
    void waitFalseAnswers202AndFinishesInTheBackground() throws Exception {
        Reply created = client.post("/collections/docs/snapshots?wait=false", null);
        assertThat(created.status()).isEqualTo(202);
        assertThat(created.json().path("status").asText()).isEqualTo("accepted");
        QdrantData.await(() -> qdrant.snapshotFiles().size() == 1);
        Path file = download("docs", qdrant.snapshotFiles().get(0).getFileName().toString());

        Reply up = client.upload("/collections/later/snapshots/upload?wait=false&priority=snapshot", file, true);

        assertThat(up.status()).isEqualTo(202);
        QdrantData.await(() -> qdrant.collection("later").map(QdrantCollection::size).orElse(0) == 500);
    }

    @Test
    void recoverFromAFileInTheSnapshotFolderOrAUrl() throws Exception {
        JsonNode d = createSnapshot("docs");
        Path inFolder = qdrant.snapshotFolder().resolve("docs").resolve(d.path("name").asText());

        Reply fromFile = client.put("/collections/byfile/snapshots/recover", "{\"location\": \"" + inFolder.toUri()
                + "\", \"priority\": \"snapshot\", \"checksum\": \"" + d.path("checksum").asText() + "\"}");
        Reply fromUrl = client.put("/collections/byurl/snapshots/recover?wait=true", "{\"location\": \""
                + qdrant.url() + "/collections/docs/snapshots/" + d.path("name").asText() + "\", \"priority\": \"replica\"}");
        Path outside = Files.write(tmp.resolve("outside.snapshot"), Files.readAllBytes(inFolder));
        Reply forbidden = client.put("/collections/x/snapshots/recover", "{\"location\": \"" + outside.toUri() + "\"}");
        Reply missing = client.put("/collections/x/snapshots/recover", "{\"location\": \""
                + qdrant.snapshotFolder().resolve("docs/none.snapshot").toUri() + "\"}");
        Reply wrongSum = client.put("/collections/x/snapshots/recover", "{\"location\": \"" + inFolder.toUri()
                + "\", \"checksum\": \"" + "ab".repeat(32) + "\"}");

        assertThat(fromFile.status()).as(fromFile.text()).isEqualTo(200);
        assertThat(fromUrl.status()).as(fromUrl.text()).isEqualTo(200);
        List<Point> original = qdrant.collection("docs").orElseThrow().points();
        assertThat(qdrant.collection("byfile").orElseThrow().points()).isEqualTo(original);
        assertThat(qdrant.collection("byurl").orElseThrow().points()).isEqualTo(original);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(wrongSum.status()).isEqualTo(400);
        assertThat(qdrant.collection("x")).isEmpty();
    }

    @Test
    void backgroundRecoveryFromAUrlLeavesNoDownloadBehind() throws Exception {
        JsonNode d = createSnapshot("docs");

        Reply r = client.put("/collections/bg/snapshots/recover?wait=false", "{\"location\": \"" + qdrant.url()
                + "/collections/docs/snapshots/" + d.path("name").asText() + "\", \"priority\": \"snapshot\"}");

        assertThat(r.status()).isEqualTo(202);
        QdrantData.await(() -> qdrant.collection("bg").map(QdrantCollection::size).orElse(0) == 500);
        QdrantData.await(() -> {
            try (var files = Files.list(qdrant.snapshotFolder())) {
                return files.noneMatch(f -> f.getFileName().toString().startsWith(".tmp-"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void invalidPriorityIsRefusedBeforeAnythingIsRead() throws Exception {
        Path file = download("docs", createSnapshot("docs").path("name").asText());

        Reply up = client.upload("/collections/p/snapshots/upload?priority=newest", file, false);

        assertThat(up.status()).isEqualTo(400);
        assertThat(up.text()).contains("unknown variant");
        assertThat(qdrant.collection("p")).isEmpty();
    }
}
