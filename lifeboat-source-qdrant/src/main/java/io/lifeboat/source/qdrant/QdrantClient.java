package io.lifeboat.source.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A small client of Qdrant's REST API on the JDK {@link HttpClient} (snapshot downloads on
 * {@link HttpURLConnection}: {@link SnapshotBody}): the calls a backup and a restore need,
 * nothing more. Thread safe. Every request carries the API key (header
 * {@code api-key}) when there is one; no message this class produces contains the key.
 *
 * <p>Failures: 5xx answers (except 507, the server's full disk) and broken or refused
 * connections are retried with exponential backoff up to {@link QdrantEndpoint#maxAttempts};
 * 4xx answers never are. What remains becomes a {@link LifeboatException} made by
 * {@link QdrantErrors}: 401, 403, 404 and 507 each with their own message and hint.
 */
public final class QdrantClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Answers are JSON pages whose size the requests bound (scroll limits); this only stops a runaway server. */
    private static final int BODY_LIMIT = 64 << 20;
    private final QdrantEndpoint endpoint;
    private final HttpClient http;
    private final Sleeper sleeper;

    /** How the client waits between attempts; tests pass one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public QdrantClient(QdrantEndpoint endpoint) {
        this(endpoint, Thread::sleep);
    }

    public QdrantClient(QdrantEndpoint endpoint, Sleeper sleeper) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.sleeper = sleeper;
        this.http = HttpClient.newBuilder().connectTimeout(endpoint.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    }

    public QdrantEndpoint endpoint() {
        return endpoint;
    }

    /** One snapshot file on the server: {@code name}, {@code size}, lower-case hex sha256 {@code checksum}. */
    public record SnapshotFile(String name, long size, String checksum, String creationTime) {}

    /** One page of a scroll: the points and the offset of the next page (null at the end). */
    public record Page(List<JsonNode> points, JsonNode nextOffset) {}

    /** {@code GET /}: the server's version, e.g. {@code 1.19.0}. */
    public String version() {
        JsonNode root = json(get("/"), "reading the server version", null);
        JsonNode v = root.path("version");
        if (!v.isTextual()) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, endpoint + " did not report a version on GET /; is it a Qdrant server?",
                    "check --url (the REST port, 6333 by default)");
        }
        return v.asText();
    }

    /** {@code GET /cluster}: the cluster status ({@code status} is {@code enabled} or {@code disabled}). */
    public JsonNode cluster() {
        return result(get("/cluster"), "reading the cluster status", null);
    }

    /** {@code GET /collections}: every collection's name, sorted. */
    public List<String> collections() {
        List<String> names = new ArrayList<>();
        result(get("/collections"), "listing collections", null).path("collections")
                .forEach(c -> names.add(c.path("name").asText()));
        names.sort(null);
        return names;
    }

    /** {@code GET /collections/{c}}: the collection info (status, config, approximate counts). */
    public JsonNode collectionInfo(String collection) {
        return result(get(c(collection)), "reading collection info", collection);
    }

    /** {@code POST /collections/{c}/points/count} with {@code exact: true}. */
    public long countExact(String collection) {
        ObjectNode body = JSON.createObjectNode().put("exact", true);
        return result(post(c(collection) + "/points/count", body), "counting points", collection).path("count").asLong();
    }

    /** {@code POST /collections/{c}/points/scroll}, in id order. */
    public Page scroll(String collection, JsonNode offset, int limit, boolean withData) {
        ObjectNode body = JSON.createObjectNode().put("limit", limit).put("with_payload", withData).put("with_vector", withData);
        if (offset != null && !offset.isNull()) {
            body.set("offset", offset);
        }
        JsonNode r = result(post(c(collection) + "/points/scroll", body), "scrolling points", collection);
        List<JsonNode> points = new ArrayList<>();
        r.path("points").forEach(points::add);
        JsonNode next = r.path("next_page_offset");
        return new Page(points, next.isMissingNode() || next.isNull() ? null : next);
    }

    /** {@code POST /collections/{c}/points}: the points with these ids that exist, with vectors and payload. */
    public List<JsonNode> retrieve(String collection, List<JsonNode> ids) {
        ObjectNode body = JSON.createObjectNode().put("with_payload", true).put("with_vector", true);
        ArrayNode a = body.putArray("ids");
        ids.forEach(a::add);
        List<JsonNode> out = new ArrayList<>();
        result(post(c(collection) + "/points", body), "reading sampled points", collection).forEach(out::add);
        return out;
    }

    /** {@code POST /collections/{c}/snapshots?wait=true}: creates a snapshot and waits until it is written. */
    public SnapshotFile createSnapshot(String collection) {
        HttpRequest.Builder r = request(c(collection) + "/snapshots?wait=true", endpoint.snapshotTimeout())
                .POST(HttpRequest.BodyPublishers.noBody());
        return snapshotFile(result(send(r, "creating a snapshot", collection), "creating a snapshot", collection));
    }

    /** {@code GET /collections/{c}/snapshots}. */
    public List<SnapshotFile> listSnapshots(String collection) {
        List<SnapshotFile> out = new ArrayList<>();
        result(get(c(collection) + "/snapshots"), "listing snapshots", collection).forEach(n -> out.add(snapshotFile(n)));
        return out;
    }

    /** {@code DELETE /collections/{c}/snapshots/{name}?wait=true}; false when it was not there (404). */
    public boolean deleteSnapshot(String collection, String name) {
        HttpRequest.Builder r = request(c(collection) + "/snapshots/" + seg(name) + "?wait=true", endpoint.requestTimeout()).DELETE();
        Answer a = send(r, "deleting snapshot " + name, collection);
        if (a.status() == 404) {
            return false;
        }
        result(a, "deleting snapshot " + name, collection);
        return true;
    }

    /**
     * {@code GET /collections/{c}/snapshots/{name}} from byte {@code from} on (a {@code Range}
     * request when not 0), on an {@link HttpURLConnection} ({@link SnapshotBody} says why). The
     * caller reads and closes the stream. The answer's headers and every read wait at most
     * {@link QdrantEndpoint#stallTimeout}; a read that waits longer fails with
     * {@link SnapshotBody.StalledException}. Retried like every request: broken or refused
     * connections and 5xx (not 507), never 4xx.
     */
    public InputStream download(String collection, String name, long from) {
        URL url;
        try {
            url = URI.create(endpoint.url() + c(collection) + "/snapshots/" + seg(name)).toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException("a Qdrant endpoint is always a valid http(s) URL", e);
        }
        String what = "downloading snapshot " + name;
        int expected = from > 0 ? 206 : 200;
        for (int attempt = 1; ; attempt++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while " + what, null);
            }
            HttpURLConnection conn = null;
            boolean connected = false;
            int status;
            try {
                conn = (HttpURLConnection) url.openConnection(Proxy.NO_PROXY);
                conn.setConnectTimeout(Math.toIntExact(Math.max(1, endpoint.connectTimeout().toMillis())));
                conn.setReadTimeout(Math.toIntExact(Math.max(1, Math.min(Integer.MAX_VALUE, endpoint.stallTimeout().toMillis()))));
                conn.setInstanceFollowRedirects(false);
                conn.setUseCaches(false);
                conn.setRequestProperty("Accept", "application/octet-stream");
                if (endpoint.apiKey() != null) {
                    conn.setRequestProperty("api-key", endpoint.apiKey().reveal());
                }
                if (from > 0) {
                    conn.setRequestProperty("Range", "bytes=" + from + "-");
                }
                conn.connect();
                connected = true;
                status = conn.getResponseCode();
                if (status == expected) {
                    return new SnapshotBody(conn, conn.getInputStream(), conn.getContentLengthLong());
                }
            } catch (IOException e) {
                if (conn != null) {
                    conn.disconnect();
                }
                if (attempt >= endpoint.maxAttempts()) {
                    throw QdrantErrors.unreachable(endpoint, what, collection, connected && e instanceof java.net.SocketTimeoutException t
                            ? SnapshotBody.stalled("no answer from the server", conn.getReadTimeout(), t) : e);
                }
                backoff(attempt);
                continue;
            }
            String body = drain(conn.getErrorStream() != null ? conn.getErrorStream() : InputStream.nullInputStream());
            conn.disconnect();
            if (!retryable(status) || attempt >= endpoint.maxAttempts()) {
                throw QdrantErrors.of(endpoint, status, body, what, collection);
            }
            backoff(attempt);
        }
    }

    /**
     * {@code POST /collections/{c}/snapshots/upload?priority=…&checksum=…&wait=true}: a streaming
     * multipart upload (field {@code snapshot}) of {@code size} bytes read from {@code content}
     * (opened again for each attempt). Returns once the server has recovered the collection.
     */
    public void upload(String collection, String fileName, String priority, String checksum, long size,
            Supplier<InputStream> content) {
        String boundary = "lifeboat-" + Long.toHexString(Double.doubleToLongBits(Math.random())) + Long.toHexString(System.nanoTime());
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"snapshot\"; filename=\""
                + fileName.replace("\"", "") + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.concat(
                HttpRequest.BodyPublishers.ofByteArray(head), HttpRequest.BodyPublishers.ofInputStream(content),
                HttpRequest.BodyPublishers.ofByteArray(tail)), head.length + size + tail.length);
        String path = c(collection) + "/snapshots/upload?wait=true&priority=" + seg(priority) + "&checksum=" + seg(checksum);
        HttpRequest.Builder r = request(path, endpoint.snapshotTimeout())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(body);
        result(send(r, "uploading the snapshot", collection, QdrantClient::retryableUpload), "uploading the snapshot", collection);
    }

    // ---- plumbing

    /** A finished exchange: status and (bounded) body text. */
    record Answer(int status, String body) {}

    private Answer get(String path) {
        return send(request(path, endpoint.requestTimeout()).GET(), "GET " + path, null);
    }

    private Answer post(String path, JsonNode body) {
        try {
            HttpRequest.Builder r = request(path, endpoint.requestTimeout()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            return send(r, "POST " + path, null);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "cannot encode a request: " + e.getMessage(), null, e);
        }
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint.url() + path)).timeout(timeout)
                .header("Accept", "application/json");
        if (endpoint.apiKey() != null) {
            b.header("api-key", endpoint.apiKey().reveal());
        }
        return b;
    }

    private Answer send(HttpRequest.Builder r, String what, String collection) {
        return send(r, what, collection, QdrantClient::retryable);
    }

    /** Sends with retries; returns the last answer (any status) or throws when the server stayed unreachable. */
    private Answer send(HttpRequest.Builder r, String what, String collection, java.util.function.IntPredicate retry) {
        for (int attempt = 1; ; attempt++) {
            Answer a;
            try {
                HttpResponse<InputStream> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofInputStream());
                a = new Answer(resp.statusCode(), drain(resp.body()));
            } catch (IOException e) {
                if (attempt >= endpoint.maxAttempts()) {
                    throw QdrantErrors.unreachable(endpoint, what, collection, e);
                }
                backoff(attempt);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while " + what, null, e);
            }
            if (!retry.test(a.status()) || attempt >= endpoint.maxAttempts()) {
                return a;
            }
            backoff(attempt);
        }
    }

    /**
     * An upload is sent again only for a gateway or availability failure (502, 503, 504): a 500
     * after an upload means the server could not recover the snapshot (a malformed tar, say), and
     * sending the same bytes again would fail the same way after another full transfer.
     */
    static boolean retryableUpload(int status) {
        return status == 502 || status == 503 || status == 504;
    }

    /** 5xx but not 507 (a full disk does not empty itself) nor 501 (not implemented). */
    static boolean retryable(int status) {
        return status >= 500 && status != 507 && status != 501;
    }

    private void backoff(int attempt) {
        long ms = Math.min(30_000, endpoint.backoff().toMillis() << Math.min(attempt - 1, 16));
        try {
            sleeper.sleep(Duration.ofMillis(ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while waiting to retry", null, e);
        }
    }

    private String drain(InputStream in) {
        try (in) {
            byte[] b = in.readNBytes(BODY_LIMIT);
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private JsonNode json(Answer a, String what, String collection) {
        if (a.status() / 100 != 2) {
            throw QdrantErrors.of(endpoint, a.status(), a.body(), what, collection);
        }
        try {
            return JSON.readTree(a.body());
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, endpoint + ": " + what + ": the answer is not JSON",
                    "check --url: is it Qdrant's REST port?", e);
        }
    }

    private JsonNode result(Answer a, String what, String collection) {
        JsonNode n = json(a, what, collection);
        if (!n.has("result")) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, endpoint + ": " + what + ": the answer has no result",
                    "check --url: is it Qdrant's REST port?");
        }
        return n.get("result");
    }

    private static SnapshotFile snapshotFile(JsonNode n) {
        return new SnapshotFile(n.path("name").asText(), n.path("size").asLong(),
                n.path("checksum").isTextual() ? n.path("checksum").asText().toLowerCase(java.util.Locale.ROOT) : null,
                n.path("creation_time").asText(null));
    }

    private static String c(String collection) {
        return "/collections/" + seg(collection);
    }

    static String seg(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        http.close();
    }
}
