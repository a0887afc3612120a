package io.lifeboat.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Just enough of the S3 protocol, in memory on 127.0.0.1, for {@code startup-training} to run
 * whole commands through the S3 adapter: PUT (with {@code If-None-Match: *}), GET (with a range),
 * HEAD, DELETE and ListObjectsV2 of one page, path-style. It checks no signature and keeps no
 * metadata but sizes and times: a training partner for the start-up cache, not a test server
 * (the tests use S3Proxy).
 */
final class TrainingS3Server implements AutoCloseable {
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private record StoredObject(byte[] bytes, Instant modified) {}

    private final Map<String, StoredObject> objects = new ConcurrentSkipListMap<>();
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4, Thread.ofPlatform().daemon().factory());

    TrainingS3Server() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getRawPath();
            String key = URLDecoder.decode(path, StandardCharsets.UTF_8);
            String query = x.getRequestURI().getRawQuery();
            switch (x.getRequestMethod()) {
                case "PUT" -> put(x, key);
                case "GET" -> {
                    if (query != null && query.contains("list-type=2")) {
                        list(x, key, query);
                    } else {
                        get(x, key, true);
                    }
                }
                case "HEAD" -> get(x, key, false);
                case "DELETE" -> {
                    objects.remove(key);
                    x.sendResponseHeaders(204, -1);
                }
                default -> x.sendResponseHeaders(501, -1);
            }
        }
    }

    private void put(HttpExchange x, String key) throws IOException {
        byte[] body = x.getRequestBody().readAllBytes();
        String sha = x.getRequestHeaders().getFirst("x-amz-content-sha256");
        if (sha != null && sha.startsWith("STREAMING-")) {
            body = unchunk(body);
        }
        if ("*".equals(x.getRequestHeaders().getFirst("If-None-Match")) && objects.containsKey(key)) {
            error(x, 412, "PreconditionFailed");
            return;
        }
        objects.put(key, new StoredObject(body, Instant.now()));
        x.getResponseHeaders().set("ETag", "\"" + Integer.toHexString(java.util.Arrays.hashCode(body)) + "\"");
        x.sendResponseHeaders(200, -1);
    }

    /** The payload of an {@code aws-chunked} body: {@code <hex size>;chunk-signature=…\r\n<bytes>\r\n}, until size 0. */
    private static byte[] unchunk(byte[] chunked) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(chunked.length);
        int pos = 0;
        while (pos < chunked.length) {
            int eol = pos;
            while (eol + 1 < chunked.length && !(chunked[eol] == '\r' && chunked[eol + 1] == '\n')) {
                eol++;
            }
            String header = new String(chunked, pos, eol - pos, StandardCharsets.US_ASCII);
            int semi = header.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? header : header.substring(0, semi)).trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, eol + 2, size);
            pos = eol + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private void get(HttpExchange x, String key, boolean withBody) throws IOException {
        StoredObject o = objects.get(key);
        if (o == null) {
            if (withBody) {
                error(x, 404, "NoSuchKey");
            } else {
                x.sendResponseHeaders(404, -1);
            }
            return;
        }
        byte[] bytes = o.bytes();
        int from = 0;
        int to = bytes.length;
        String range = x.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=")) {
            String[] ends = range.substring(6).split("-");
            from = Integer.parseInt(ends[0]);
            to = Math.min(bytes.length, Integer.parseInt(ends[1]) + 1);
            x.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + bytes.length);
        }
        x.getResponseHeaders().set("Last-Modified", HTTP_DATE.format(o.modified()));
        x.getResponseHeaders().set("ETag", "\"" + Integer.toHexString(java.util.Arrays.hashCode(bytes)) + "\"");
        x.getResponseHeaders().set("Content-Type", "application/octet-stream");
        int status = range != null ? 206 : 200;
        if (!withBody) {
            x.getResponseHeaders().set("Content-Length", String.valueOf(bytes.length));
            x.sendResponseHeaders(status, -1);
            return;
        }
        x.sendResponseHeaders(status, to - from == 0 ? -1 : to - from);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes, from, to - from);
        }
    }

    private void list(HttpExchange x, String bucketPath, String query) throws IOException {
        String bucket = bucketPath.endsWith("/") ? bucketPath.substring(0, bucketPath.length() - 1) : bucketPath;
        Map<String, String> params = new TreeMap<>();
        for (String p : query.split("&")) {
            int eq = p.indexOf('=');
            params.put(eq < 0 ? p : p.substring(0, eq),
                    eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        }
        String prefix = params.getOrDefault("prefix", "");
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>")
                .append(bucket.substring(1)).append("</Name><Prefix>").append(prefix).append("</Prefix>");
        int count = 0;
        for (Map.Entry<String, StoredObject> e : objects.entrySet()) {
            String name = e.getKey().substring(bucket.length() + 1);
            if (e.getKey().startsWith(bucket + "/") && name.startsWith(prefix)) {
                count++;
                xml.append("<Contents><Key>").append(name).append("</Key><LastModified>")
                        .append(e.getValue().modified()).append("</LastModified><ETag>\"0\"</ETag><Size>")
                        .append(e.getValue().bytes().length).append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
            }
        }
        xml.append("<KeyCount>").append(count).append("</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>")
                .append("</ListBucketResult>");
        byte[] body = xml.toString().getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/xml");
        x.sendResponseHeaders(200, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    private static void error(HttpExchange x, int status, String code) throws IOException {
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + code
                + "</Message></Error>").getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/xml");
        x.sendResponseHeaders(status, body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
