package io.lifeboat.testkit.qdrant;

import io.lifeboat.qdrant.standin.CollectionConfig;
import io.lifeboat.qdrant.standin.QdrantCollection;
import io.lifeboat.qdrant.standin.QdrantStandIn;
import io.lifeboat.qdrant.standin.StandInConfig;
import io.lifeboat.testkit.qdrant.SpecClient.Reply;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

/** API keys: header or bearer, read-write or read-only; the plain-text and JSON refusals of the README. */
class QdrantAuthTest {
    private static final String KEY = "rw-secret";
    private static final String READ_ONLY = "ro-secret";

    @TempDir
    Path tmp;

    private QdrantStandIn qdrant;
    private SpecClient anonymous;
    private SpecClient admin;
    private SpecClient reader;

    @BeforeEach
    void start() {
        qdrant = QdrantStandIn.start(StandInConfig.defaults().withApiKeys(KEY, READ_ONLY));
        anonymous = new SpecClient(qdrant.url());
        admin = anonymous.with("api-key", KEY);
        reader = anonymous.with("api-key", READ_ONLY);
        QdrantCollection c = qdrant.createCollection("docs", CollectionConfig.single(4, "Dot"));
        c.upsert(QdrantData.points(new Random(1), 20, c.config()));
    }

    @AfterEach
    void stop() {
        qdrant.close();
    }

    @Test
    void missingKeyIs401InPlainTextAndHealthChecksStayOpen() {
        Reply r = anonymous.plain("GET", "/collections");

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.text()).contains("API key");
        assertThat(anonymous.get("/").status()).isEqualTo(200);
        assertThat(anonymous.plain("GET", "/readyz").status()).isEqualTo(200);
    }

    @Test
    void wrongKeyIs401InvalidApiKeyWhetherHeaderOrBearer() {
        Reply header = anonymous.with("api-key", "guess").plain("GET", "/collections");
        Reply bearer = anonymous.with("Authorization", "Bearer guess").plain("GET", "/collections/docs");

        assertThat(header.status()).isEqualTo(401);
        assertThat(header.text()).isEqualTo("Invalid API key or JWT");
        assertThat(bearer.status()).isEqualTo(401);
    }

    @Test
    void bearerTokenWorksLikeTheHeader() {
        Reply r = anonymous.with("Authorization", "Bearer " + KEY).get("/collections/docs");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.result().path("points_count").asInt()).isEqualTo(20);
    }

    @Test
    void readOnlyKeyReadsButWritesGetJson403AndNothingChanges() {
        assertThat(reader.get("/collections/docs").status()).isEqualTo(200);
        assertThat(reader.post("/collections/docs/points/count", "{\"exact\": true}").result().path("count").asInt())
                .isEqualTo(20);
        assertThat(reader.post("/collections/docs/points/scroll", "{\"limit\": 5}").result().path("points")).hasSize(5);

        Reply snapshot = reader.post("/collections/docs/snapshots?wait=true", null);
        Reply create = reader.put("/collections/new", "{\"vectors\": {\"size\": 4, \"distance\": \"Dot\"}}");
        Reply upsert = reader.put("/collections/docs/points?wait=true", "{\"points\": [{\"id\": 1000, \"vector\": [1,2,3,4]}]}");
        Reply delete = reader.delete("/collections/docs");

        for (Reply r : new Reply[] {snapshot, create, upsert, delete}) {
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.error()).isEqualTo("Forbidden: Global manage access is required");
        }
        assertThat(qdrant.snapshotFiles()).isEmpty();
        assertThat(qdrant.collection("new")).isEmpty();
        assertThat(qdrant.collection("docs").orElseThrow().size()).isEqualTo(20);
    }

    @Test
    void readOnlyUploadIsAPlainText403AndRestoresNothing() throws Exception {
        Reply created = admin.post("/collections/docs/snapshots?wait=true", null);
        String name = created.result().path("name").asText();
        Reply download = admin.send("GET", "/collections/docs/snapshots/" + name, null, null, true);
        Path file = Files.write(tmp.resolve(name), download.body());

        Reply up = reader.upload("/collections/copy/snapshots/upload?priority=snapshot", file, false);

        assertThat(up.status()).isEqualTo(403);
        assertThat(up.contentType()).startsWith("text/plain");
        assertThat(up.text()).contains("Forbidden");
        assertThat(qdrant.collection("copy")).isEmpty();
        assertThat(qdrant.snapshotFiles()).hasSize(1);
        assertThat(admin.upload("/collections/copy/snapshots/upload?priority=snapshot", file, true).status())
                .isEqualTo(200);
    }

    @Test
    void readOnlyUploadIsRefusedBeforeTheBodyArrives() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), qdrant.url().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /collections/copy/snapshots/upload?priority=snapshot HTTP/1.1\r\nHost: localhost\r\n"
                    + "api-key: " + READ_ONLY + "\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                    + "Content-Length: 1000000000\r\n\r\n--x\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();

            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String status = in.readLine();

            assertThat(status).as("answered while 1 GB of body is still to come").isEqualTo("HTTP/1.1 403 Forbidden");
        }
        assertThat(qdrant.collection("copy")).isEmpty();
    }

    @Test
    void theKeyNeverAppearsInAnswersOrTheRequestLog() {
        anonymous.with("api-key", "guess").plain("GET", "/collections");
        Reply ok = admin.get("/collections/docs");

        assertThat(ok.text()).doesNotContain(KEY);
        assertThat(String.join("\n", qdrant.requests())).doesNotContain(KEY).doesNotContain("guess")
                .contains("GET /collections -> 401");
    }
}
