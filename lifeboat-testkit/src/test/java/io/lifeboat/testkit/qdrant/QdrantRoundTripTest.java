package io.lifeboat.testkit.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.qdrant.standin.CollectionConfig;
import io.lifeboat.qdrant.standin.Point;
import io.lifeboat.qdrant.standin.QdrantCollection;
import io.lifeboat.qdrant.standin.QdrantStandIn;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a backup tool does with the stand-in, through HTTP only: fill a collection, snapshot,
 * stream the download to disk checking its SHA-256, delete the collection, upload the file as a
 * streamed multipart body with checksum and priority, and compare every point, vector and
 * payload. Also many snapshot creations, uploads and recoveries at once.
 */
class QdrantRoundTripTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final int POINTS = 100_000;

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void hundredThousandPointsSurviveSnapshotDownloadUploadAndRecovery() throws Exception {
        try (QdrantStandIn qdrant = QdrantStandIn.start()) {
            SpecClient client = new SpecClient(qdrant.url());
            client.put("/collections/rag", "{\"vectors\": {\"text\": {\"size\": 32, \"distance\": \"Dot\"},"
                    + " \"title\": {\"size\": 4, \"distance\": \"Cosine\"}}}");
            CollectionConfig cfg = qdrant.collection("rag").orElseThrow().config();
            List<Point> original = QdrantData.points(new Random(42), POINTS, cfg);
            long t0 = System.nanoTime();
            // Over HTTP: 100 points validated against the spec, 9 900 more unvalidated; the other 90 000 are put
            // in directly, which keeps the test short (JSON of 100k points costs seconds, and the API tests cover it).
            client.put("/collections/rag/points?wait=true", upsertBody(original.subList(0, 100)));
            SpecClient.Reply r = client.send("PUT", "/collections/rag/points?wait=true",
                    upsertBody(original.subList(100, 10_000)).getBytes(StandardCharsets.UTF_8), "application/json", false);
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            List<Point> direct = original.subList(10_000, POINTS);
            qdrant.collection("rag").orElseThrow().upsert(direct);
            long t1 = System.nanoTime();
            assertThat(client.post("/collections/rag/points/count", "{\"exact\": true}").result().path("count").asInt())
                    .isEqualTo(POINTS);
            List<Point> stored = qdrant.collection("rag").orElseThrow().points();

            JsonNode d = client.post("/collections/rag/snapshots?wait=true", null).result();
            long t2 = System.nanoTime();
            Path file = tmp.resolve(d.path("name").asText());
            String sha = download(qdrant, "/collections/rag/snapshots/" + d.path("name").asText(), file);
            long t3 = System.nanoTime();
            assertThat(sha).isEqualTo(d.path("checksum").asText());
            assertThat(Files.size(file)).isEqualTo(d.path("size").asLong());

            assertThat(client.delete("/collections/rag").result().asBoolean()).isTrue();
            HttpResponse<String> up = upload(qdrant, "/collections/rag/snapshots/upload?wait=true&priority=snapshot&checksum="
                    + sha, file);
            long t4 = System.nanoTime();
            assertThat(up.statusCode()).as(up.body()).isEqualTo(200);

            assertThat(qdrant.collection("rag").orElseThrow().points()).isEqualTo(stored);
            assertThat(qdrant.collection("rag").orElseThrow().config()).isEqualTo(cfg);
            assertSameOverHttp(client, original.subList(0, 50));
            double mb = Files.size(file) / 1e6;
            System.out.printf(Locale.ROOT, "qdrant stand-in, %d points: fill %.1f s, snapshot %.1f MB in %.2f s,"
                    + " download %.0f MB/s, upload+recover %.2f s%n", POINTS, (t1 - t0) / 1e9, mb, (t2 - t1) / 1e9,
                    mb / ((t3 - t2) / 1e9), (t4 - t3) / 1e9);
        }
    }

    /** Points as a client reads them back: vectors as stored (Cosine ones normalised), payload as sent. */
    private static void assertSameOverHttp(SpecClient client, List<Point> sample) {
        ArrayNode ids = F.arrayNode();
        sample.forEach(p -> ids.add(p.id().json()));
        ObjectNode req = F.objectNode();
        req.set("ids", ids);
        req.put("with_vector", true);
        req.put("with_payload", true);
        JsonNode got = client.post("/collections/rag/points", req.toString()).result();
        assertThat(got).hasSize(sample.size());
        for (int i = 0; i < sample.size(); i++) {
            Point p = sample.get(i);
            JsonNode r = got.get(i);
            assertThat(r.path("id").asText()).isEqualTo(p.id().toString());
            assertThat(floats(r.path("vector").path("text"))).isEqualTo(p.vector("text"));
            assertThat(r.path("vector").path("title").size()).isEqualTo(4);
            assertThat(r.path("payload")).isEqualTo(p.payload() == null ? F.objectNode() : p.payload());
        }
    }

    private static float[] floats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = a.get(i).floatValue();
        }
        return f;
    }

    private static String upsertBody(List<Point> points) {
        ObjectNode body = F.objectNode();
        ArrayNode arr = body.putArray("points");
        for (Point p : points) {
            ObjectNode o = arr.addObject();
            o.set("id", p.id().json());
            ObjectNode v = o.putObject("vector");
            p.vectors().forEach((name, floats) -> {
                ArrayNode a = v.putArray(name);
                for (float x : floats) {
                    a.add(x);
                }
            });
            if (p.payload() != null) {
                o.set("payload", p.payload());
            }
        }
        return body.toString();
    }

    /** Streams a download to a file, hashing on the way, as a backup would. */
    private String download(QdrantStandIn qdrant, String path, Path file) throws Exception {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(qdrant.url().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(r.body(), sha)) {
            Files.copy(in, file);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** A multipart body streamed from the file, never held in memory whole. */
    private HttpResponse<String> upload(QdrantStandIn qdrant, String path, Path file) throws Exception {
        String boundary = "lifeboat-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"snapshot\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                return new SequenceInputStream(java.util.Collections.enumeration(List.of(
                        new java.io.ByteArrayInputStream(head), Files.newInputStream(file),
                        new java.io.ByteArrayInputStream(tail))));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return http.send(HttpRequest.newBuilder(qdrant.url().resolve(path)).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(body).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void simultaneousSnapshotsUploadsAndRecoveriesAllSucceed() throws Exception {
        try (QdrantStandIn qdrant = QdrantStandIn.start()) {
            SpecClient client = new SpecClient(qdrant.url());
            int collections = 6;
            for (int i = 0; i < collections; i++) {
                QdrantCollection c = qdrant.createCollection("c" + i, CollectionConfig.single(16, "Euclid"));
                c.upsert(QdrantData.points(new Random(i), 2000, c.config()));
            }
            ExecutorService pool = Executors.newFixedThreadPool(12);
            try {
                List<Future<JsonNode>> created = new ArrayList<>();
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < collections; i++) {
                        String c = "c" + i;
                        created.add(pool.submit(() -> client.post("/collections/" + c + "/snapshots?wait=true", null).result()));
                    }
                }
                List<Callable<Object>> restores = new ArrayList<>();
                for (Future<JsonNode> f : created.subList(0, collections)) {
                    JsonNode d = f.get();
                    String source = d.path("name").asText().replaceFirst("-.*", "");
                    Path file = tmp.resolve(d.path("name").asText());
                    Files.write(file, client.send("GET", "/collections/" + source + "/snapshots/" + d.path("name").asText(),
                            null, null, true).body());
                    restores.add(() -> {
                        HttpResponse<String> r = upload(qdrant, "/collections/up-" + source
                                + "/snapshots/upload?priority=snapshot&checksum=" + d.path("checksum").asText(), file);
                        assertThat(r.statusCode()).as("%s local=%s server=%s", r.body(),
                                QdrantSnapshotApiTest.sha256(Files.readAllBytes(file)),
                                client.get("/collections/" + source + "/snapshots").result()).isEqualTo(200);
                        return r.statusCode();
                    });
                    restores.add(() -> {
                        SpecClient.Reply r = client.put("/collections/rec-" + source + "/snapshots/recover",
                                "{\"location\": \"" + qdrant.snapshotFolder().resolve(source).resolve(d.path("name").asText())
                                        .toUri() + "\", \"priority\": \"snapshot\"}");
                        assertThat(r.status()).as(r.text()).isEqualTo(200);
                        return r.status();
                    });
                }
                for (Future<JsonNode> f : created) {
                    assertThat(f.get().path("checksum").asText()).hasSize(64);
                }
                for (Future<Object> f : pool.invokeAll(restores)) {
                    assertThat(f.get()).isEqualTo(200);
                }
            } finally {
                pool.shutdownNow();
            }
            for (int i = 0; i < collections; i++) {
                List<Point> original = qdrant.collection("c" + i).orElseThrow().points();
                assertThat(qdrant.collection("up-c" + i).orElseThrow().points()).isEqualTo(original);
                assertThat(qdrant.collection("rec-c" + i).orElseThrow().points()).isEqualTo(original);
            }
            for (int i = 0; i < collections; i++) {
                assertThat(client.get("/collections/up-c" + i + "/snapshots").result()).as("the uploaded file stays")
                        .hasSize(1);
            }
        }
    }
}
