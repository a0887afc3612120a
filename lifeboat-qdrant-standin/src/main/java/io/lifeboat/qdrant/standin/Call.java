package io.lifeboat.qdrant.standin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One HTTP request and its answer, in Qdrant's envelope. */
final class Call {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpExchange exchange;
    private final long startNanos = System.nanoTime();
    final String method;
    final String path;
    final List<String> segments;
    final Map<String, String> query;
    private int status;
    private final java.util.function.Consumer<Call> answering;

    /** @param answering told just before the status line goes out (so a client never sees an answer before it) */
    Call(HttpExchange exchange, java.util.function.Consumer<Call> answering) {
        this.exchange = exchange;
        this.answering = answering;
        this.method = exchange.getRequestMethod();
        String raw = exchange.getRequestURI().getRawPath();
        this.path = raw;
        this.segments = new ArrayList<>();
        for (String s : raw.split("/")) {
            if (!s.isEmpty()) {
                segments.add(decode(s));
            }
        }
        this.query = new HashMap<>();
        String q = exchange.getRequestURI().getRawQuery();
        if (q != null) {
            for (String kv : q.split("&")) {
                int eq = kv.indexOf('=');
                if (eq < 0) {
                    query.put(decode(kv), "");
                } else {
                    query.put(decode(kv.substring(0, eq)), decode(kv.substring(eq + 1)));
                }
            }
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    InputStream body() {
        return exchange.getRequestBody();
    }

    int status() {
        return status;
    }

    /** The request body as JSON; 400 as Qdrant words it when it is not. An empty body is an empty object. */
    JsonNode json() {
        try {
            byte[] b = exchange.getRequestBody().readAllBytes();
            if (b.length == 0) {
                return JsonNodeFactory.instance.objectNode();
            }
            return JSON.readTree(b);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("Json deserialize error: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    boolean flag(String name, boolean fallback) {
        String v = query.get(name);
        if (v == null) {
            return fallback;
        }
        return switch (v) {
            case "true", "" -> true;
            case "false" -> false;
            default -> throw ApiError.badRequest("Query deserialize error: invalid value for `" + name + "`: " + v);
        };
    }

    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    void ok(JsonNode result) throws IOException {
        ObjectNode env = JsonNodeFactory.instance.objectNode();
        env.set("result", result);
        env.put("status", "ok");
        env.put("time", (float) seconds()); // the spec says float; a validator checks it fits one
        send(200, "application/json", JSON.writeValueAsBytes(env));
    }

    void ok(boolean result) throws IOException {
        ok(JsonNodeFactory.instance.booleanNode(result));
    }

    /** 202 for {@code wait=false}: the operation goes on in the background. */
    void accepted() throws IOException {
        ObjectNode env = JsonNodeFactory.instance.objectNode();
        env.put("status", "accepted");
        env.put("time", (float) seconds()); // the spec says float; a validator checks it fits one
        send(202, "application/json", JSON.writeValueAsBytes(env));
    }

    void error(int code, String message) throws IOException {
        ObjectNode env = JsonNodeFactory.instance.objectNode();
        env.putObject("status").put("error", message);
        env.put("time", (float) seconds()); // the spec says float; a validator checks it fits one
        send(code, "application/json", JSON.writeValueAsBytes(env));
    }

    void plain(int code, String message) throws IOException {
        send(code, "text/plain; charset=utf-8", message.getBytes(StandardCharsets.UTF_8));
    }

    /** A bare JSON document without the envelope ({@code GET /}). */
    void bare(JsonNode doc) throws IOException {
        send(200, "application/json", JSON.writeValueAsBytes(doc));
    }

    void send(int code, String contentType, byte[] body) throws IOException {
        status = code;
        answering.accept(this);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Starts a streamed answer of known length; the caller writes the body and closes the stream. */
    OutputStream stream(int code, String contentType, long length, Map<String, String> headers) throws IOException {
        status = code;
        answering.accept(this);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(code, length == 0 ? -1 : length);
        return exchange.getResponseBody();
    }
}
