package io.lifeboat.source.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.net.URI;
import org.junit.jupiter.api.Test;

class QdrantErrorsTest {
    private static final String KEY = "top-secret-key-123";
    private final QdrantEndpoint endpoint = QdrantEndpoint.of(URI.create("http://qdrant:6333/"), QdrantApiKey.of(KEY));

    @Test
    void eachAccessFailureHasItsOwnMessageAndHint() {
        LifeboatException e401 = QdrantErrors.of(endpoint, 401, "Invalid API key or JWT", "creating a snapshot", "docs");
        assertThat(e401.getMessage()).isEqualTo(
                "Qdrant http://qdrant:6333, collection docs: creating a snapshot: API key rejected (401: Invalid API key or JWT)");
        assertThat(e401.hint()).contains("--api-key-file", "QDRANT_API_KEY");
        LifeboatException e403 = QdrantErrors.of(endpoint, 403,
                "{\"status\":{\"error\":\"Forbidden: Global manage access is required\"},\"time\":0.0}", "creating a snapshot", "docs");
        assertThat(e403.getMessage()).contains("forbidden (403: Forbidden: Global manage access is required)");
        assertThat(e403.hint()).contains("read-write");
        LifeboatException e404 = QdrantErrors.of(endpoint, 404, "{\"status\":{\"error\":\"Not found: Collection `docs` doesn't exist!\"}}",
                "reading collection info", "docs");
        assertThat(e404.code()).isEqualTo(ErrorCode.NOT_FOUND);
        LifeboatException e507 = QdrantErrors.of(endpoint, 507, "No space left on device", "creating a snapshot", "docs");
        assertThat(e507.getMessage()).contains("disk is full (507");
        assertThat(e507.hint()).contains("free space");
    }

    @Test
    void theKeyNeverAppearsEvenWhenTheServerEchoesIt() {
        LifeboatException e = QdrantErrors.of(endpoint, 400, "bad header api-key: " + KEY, "listing", null);
        assertThat(e.getMessage()).doesNotContain(KEY).contains("***");
        assertThat(endpoint.toString()).doesNotContain(KEY);
        assertThat(endpoint.apiKey().toString()).isEqualTo("***");
        assertThat(QdrantErrors.unreachable(endpoint, "GET /", null, new java.io.IOException("reset by " + KEY)).getMessage())
                .doesNotContain(KEY);
    }

    @Test
    void onlyServerErrorsOtherThanAFullDiskAreRetried() {
        assertThat(QdrantClient.retryable(500)).isTrue();
        assertThat(QdrantClient.retryable(503)).isTrue();
        assertThat(QdrantClient.retryable(507)).isFalse();
        assertThat(QdrantClient.retryable(404)).isFalse();
        assertThat(QdrantClient.retryable(401)).isFalse();
        assertThat(QdrantClient.retryableUpload(500)).as("a snapshot the server cannot recover").isFalse();
        assertThat(QdrantClient.retryableUpload(503)).isTrue();
    }
}
