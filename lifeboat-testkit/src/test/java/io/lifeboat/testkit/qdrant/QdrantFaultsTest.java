package io.lifeboat.testkit.qdrant;

import io.lifeboat.qdrant.standin.CollectionConfig;
import io.lifeboat.qdrant.standin.Faults;
import io.lifeboat.qdrant.standin.QdrantCollection;
import io.lifeboat.qdrant.standin.QdrantStandIn;
import io.lifeboat.testkit.qdrant.SpecClient.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fault hooks tests of Qdrant clients rely on: each does what it says, then the server is healthy again. */
class QdrantFaultsTest {
    private QdrantStandIn qdrant;
    private SpecClient client;

    @BeforeEach
    void start() {
        qdrant = QdrantStandIn.start();
        client = new SpecClient(qdrant.url());
        QdrantCollection c = qdrant.createCollection("docs", CollectionConfig.single(64, "Dot"));
        c.upsert(QdrantData.points(new Random(5), 3000, c.config()));
    }

    @AfterEach
    void stop() {
        qdrant.close();
    }

    @Test
    void failNextAnswersTheStatusThatManyTimesThenServesAgain() {
        qdrant.faults().failNext(2, 503);

        Reply first = client.get("/collections/docs");
        Reply second = client.get("/collections/docs");
        Reply third = client.get("/collections/docs");

        assertThat(first.status()).isEqualTo(503);
        assertThat(first.error()).contains("injected");
        assertThat(second.status()).isEqualTo(503);
        assertThat(third.status()).isEqualTo(200);
    }

    @Test
    void resetClosesTheConnectionWithoutAnswer() {
        qdrant.faults().resetNext(1);

        // POST: the JDK client silently retries an idempotent GET once on a dropped connection
        assertThatThrownBy(() -> client.post("/collections/docs/points/count", "{}"))
                .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(IOException.class);
        assertThat(qdrant.requests()).containsExactly("POST /collections/docs/points/count -> reset");
        assertThat(client.post("/collections/docs/points/count", "{}").status()).isEqualTo(200);
    }

    @Test
    void snapshotCreationOnAFullDiskIs507AndLeavesNoFile() {
        qdrant.faults().insufficientStorageOnSnapshot(1);

        Reply full = client.post("/collections/docs/snapshots?wait=true", null);

        assertThat(full.status()).isEqualTo(507);
        assertThat(full.error()).contains("space");
        assertThat(qdrant.snapshotFiles()).isEmpty();
        assertThat(client.post("/collections/docs/snapshots?wait=true", null).status()).isEqualTo(200);
    }

    @Test
    void aCutDownloadEndsBeforeItsDeclaredLength() throws Exception {
        String name = client.post("/collections/docs/snapshots?wait=true", null).result().path("name").asText();
        long size = client.get("/collections/docs/snapshots").result().get(0).path("size").asLong();
        qdrant.faults().cutDownloads(1, 100_000);

        long received = 0;
        IOException failure = null;
        try (HttpClient http = HttpClient.newHttpClient();
                InputStream in = http.send(HttpRequest.newBuilder(qdrant.url().resolve("/collections/docs/snapshots/" + name))
                        .build(), HttpResponse.BodyHandlers.ofInputStream()).body()) {
            byte[] buf = new byte[8192];
            int r;
            while ((r = in.read(buf)) > 0) {
                received += r;
            }
        } catch (IOException e) {
            failure = e;
        }

        assertThat(size).isGreaterThan(200_000);
        assertThat(received).isLessThanOrEqualTo(100_000);
        assertThat(failure).as("a short body is an error, not a clean end").isNotNull();
        assertThat(client.send("GET", "/collections/docs/snapshots/" + name, null, null, true).body()).hasSize((int) size);
    }

    @Test
    void slowDownloadsKeepToTheRate() throws Exception {
        String name = client.post("/collections/docs/snapshots?wait=true", null).result().path("name").asText();
        qdrant.faults().slowDownloads(1_000_000);

        long start = System.nanoTime();
        Reply r = client.with("Range", "bytes=0-299999").send("GET", "/collections/docs/snapshots/" + name, null, null, false);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(r.body()).hasSize(300_000);
        assertThat(took).isBetween(Duration.ofMillis(280), Duration.ofSeconds(3));
    }

    @Test
    void rulesMatchMethodAndPathOnly() {
        qdrant.faults().add("POST", "/collections/[^/]+/points/count", 1, new Faults.Fault.Status(500, "boom"));

        assertThat(client.get("/collections/docs").status()).isEqualTo(200);
        Reply count = client.post("/collections/docs/points/count", "{}");
        assertThat(count.status()).isEqualTo(500);
        assertThat(count.error()).isEqualTo("boom");
        assertThat(client.post("/collections/docs/points/count", "{}").result().path("count").asInt()).isEqualTo(3000);
    }
}
