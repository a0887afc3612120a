package io.lifeboat.testkit.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A test client for the stand-in that checks every exchange against the official Qdrant
 * OpenAPI spec (request and response), unless a call states that the README documents the
 * server deviating from the spec (plain-text errors). Bodies are kept in memory: use it for
 * API calls, not for gigabyte downloads.
 */
final class SpecClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static OpenApiInteractionValidator validator;

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private int validated;

    SpecClient(URI base) {
        this.base = base;
    }

    /** A client that sends this header on every request (e.g. {@code api-key}). */
    SpecClient with(String header, String value) {
        SpecClient c = new SpecClient(base);
        c.headers.putAll(headers);
        c.headers.put(header, value);
        return c;
    }

    /** How many exchanges were validated against the spec. */
    int validated() {
        return validated;
    }

    static synchronized OpenApiInteractionValidator validator() {
        if (validator == null) {
            validator = OpenApiInteractionValidator.createForInlineApiSpecification(specWithoutFloatFormats())
                    .build();
        }
        return validator;
    }

    /**
     * The spec with {@code "format": "float"} removed from its schemas. The validator checks that
     * format by comparing decimal strings ({@code 0.00025} is not {@code "2.5E-4"}), so it rejects
     * most floats below 0.001, also those a real Qdrant sends (e.g. {@code "time": 0.000206061}).
     * The values are still checked to be numbers.
     */
    private static String specWithoutFloatFormats() {
        try {
            JsonNode spec = JSON.readTree(QdrantReference.file("openapi-v1.19.json").toFile());
            stripFloatFormats(spec);
            keepServedPaths((com.fasterxml.jackson.databind.node.ObjectNode) spec);
            return JSON.writeValueAsString(spec);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Keeps the paths the stand-in serves and the schemas they reach. The validator copies every
     * schema of the spec into each schema it compiles and caches, which with all 400 schemas
     * grows to about a gigabyte over a test run; the kept schemas are unchanged.
     */
    private static void keepServedPaths(com.fasterxml.jackson.databind.node.ObjectNode spec) {
        com.fasterxml.jackson.databind.node.ObjectNode paths = (com.fasterxml.jackson.databind.node.ObjectNode) spec.get("paths");
        paths.retain(SERVED_PATHS);
        com.fasterxml.jackson.databind.node.ObjectNode schemas =
                (com.fasterxml.jackson.databind.node.ObjectNode) spec.path("components").path("schemas");
        java.util.Set<String> reached = new java.util.HashSet<>();
        java.util.ArrayDeque<JsonNode> todo = new java.util.ArrayDeque<>(List.of(paths));
        while (!todo.isEmpty()) {
            JsonNode n = todo.pop();
            if (n.isObject() && n.path("$ref").isTextual()) {
                String ref = n.get("$ref").asText();
                String name = ref.substring(ref.lastIndexOf('/') + 1);
                if (ref.startsWith("#/components/schemas/") && reached.add(name) && schemas.has(name)) {
                    todo.push(schemas.get(name));
                }
            }
            n.forEach(todo::push);
        }
        schemas.retain(reached);
    }

    private static final List<String> SERVED_PATHS = List.of("/", "/cluster", "/healthz", "/livez", "/readyz", "/collections",
            "/collections/{collection_name}", "/collections/{collection_name}/exists",
            "/collections/{collection_name}/points", "/collections/{collection_name}/points/{id}",
            "/collections/{collection_name}/points/delete", "/collections/{collection_name}/points/scroll",
            "/collections/{collection_name}/points/count", "/collections/{collection_name}/points/query",
            "/collections/{collection_name}/snapshots", "/collections/{collection_name}/snapshots/upload",
            "/collections/{collection_name}/snapshots/recover",
            "/collections/{collection_name}/snapshots/{snapshot_name}");

    private static void stripFloatFormats(JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            if ("float".equals(o.path("format").asText(null))) {
                o.remove("format");
            }
            o.forEach(SpecClient::stripFloatFormats);
        } else if (node.isArray()) {
            node.forEach(SpecClient::stripFloatFormats);
        }
    }

    record Reply(int status, String contentType, byte[] body, Map<String, List<String>> headers) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + text(), e);
            }
        }

        JsonNode result() {
            return json().path("result");
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String error() {
            return json().path("status").path("error").asText();
        }

        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    Reply get(String path) {
        return send("GET", path, null, null, true);
    }

    Reply delete(String path) {
        return send("DELETE", path, null, null, true);
    }

    Reply post(String path, String json) {
        return send("POST", path, json == null ? null : json.getBytes(StandardCharsets.UTF_8), "application/json", true);
    }

    Reply put(String path, String json) {
        return send("PUT", path, json.getBytes(StandardCharsets.UTF_8), "application/json", true);
    }

    /** A request the spec itself rejects (to see the server reject it too); its answer is validated. */
    Reply invalid(String method, String path, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        Reply r = send(method, path, body, "application/json", false);
        List<String> requestErrors = errors(method, path, body, "application/json", r).stream()
                .filter(e -> e.startsWith("validation.request")).toList();
        assertThat(requestErrors).as("the spec rejects %s %s %s", method, path, json).isNotEmpty();
        List<String> responseErrors = errors(method, path, body, "application/json", r).stream()
                .filter(e -> !e.startsWith("validation.request")).toList();
        assertThat(responseErrors).as("%s %s -> %d %s", method, path, r.status(), r.text()).isEmpty();
        validated++;
        return r;
    }

    /** An exchange whose answer the README documents as plain text: checked to be so instead of against the spec. */
    Reply plain(String method, String path) {
        Reply r = send(method, path, null, null, false);
        assertThat(r.contentType()).as("README: %s %s answers in plain text", method, path).startsWith("text/plain");
        return r;
    }

    /** A multipart upload of {@code file} under the field {@code snapshot}, validated like any call. */
    Reply upload(String path, Path file, boolean validate) throws IOException {
        String boundary = "----lifeboat" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"snapshot\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] content = Files.readAllBytes(file);
        byte[] body = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(content, 0, body, head.length, content.length);
        System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
        return send("POST", path, body, "multipart/form-data; boundary=" + boundary, validate);
    }

    Reply send(String method, String path, byte[] body, String contentType, boolean validate) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        headers.forEach(b::header);
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        Reply reply = new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(),
                r.headers().map());
        if (validate) {
            validate(method, path, body, contentType, reply);
        }
        return reply;
    }

    private void validate(String method, String path, byte[] body, String contentType, Reply reply) {
        List<String> errors = errors(method, path, body, contentType, reply);
        assertThat(errors).as("%s %s -> %d %s", method, path, reply.status(), reply.text().length() > 500
                ? reply.text().substring(0, 500) : reply.text()).isEmpty();
        validated++;
    }

    private List<String> errors(String method, String path, byte[] body, String contentType, Reply reply) {
        URI uri = base.resolve(path);
        SimpleRequest.Builder req = new SimpleRequest.Builder(Request.Method.valueOf(method), uri.getRawPath());
        if (uri.getRawQuery() != null) {
            for (String kv : uri.getRawQuery().split("&")) {
                int eq = kv.indexOf('=');
                req.withQueryParam(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : decode(kv.substring(eq + 1)));
            }
        }
        headers.forEach(req::withHeader);
        if (contentType != null) {
            req.withContentType(contentType);
        }
        if (body != null && contentType != null && contentType.startsWith("application/json")) {
            req.withBody(body);
        }
        SimpleResponse.Builder resp = SimpleResponse.Builder.status(reply.status());
        if (!reply.contentType().isEmpty()) {
            resp.withContentType(reply.contentType());
        }
        if (reply.contentType().startsWith("application/json")) {
            resp.withBody(reply.text());
        } else if (reply.body().length > 0) {
            resp.withBody(reply.body());
        }
        ValidationReport report = validator().validate(req.build(), resp.build());
        return report.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .filter(m -> !requestBodyOfMultipart(m, contentType))
                .map(m -> m.getKey() + " " + m.getAdditionalInfo() + ": " + m.getMessage())
                .toList();
    }

    /** The validator cannot read multipart bodies; it checks the rest of such a request. */
    private static boolean requestBodyOfMultipart(ValidationReport.Message m, String contentType) {
        return contentType != null && contentType.startsWith("multipart/") && m.getKey().startsWith("validation.request.body");
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
