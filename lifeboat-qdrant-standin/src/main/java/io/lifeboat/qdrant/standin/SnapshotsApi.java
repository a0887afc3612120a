package io.lifeboat.qdrant.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Collection snapshots: {@code /collections/{c}/snapshots…}. Creation writes a real tar of the
 * collection as of one instant; upload and recovery read one back and replace the collection
 * (creating it when missing), after checking checksum and compatibility, so that a failed
 * recovery changes nothing.
 */
final class SnapshotsApi {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<String> PRIORITIES = Set.of("snapshot", "replica", "no_sync");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    private final QdrantStandIn server;
    private final ThreadLocal<Long> cutAfter = new ThreadLocal<>();

    SnapshotsApi(QdrantStandIn server) {
        this.server = server;
    }

    void cutNextDownload(long afterBytes) {
        cutAfter.set(afterBytes);
    }

    void route(Call call) throws IOException {
        List<String> s = call.segments;
        String c = s.get(1);
        String m = call.method;
        try {
            if (s.size() == 3 && m.equals("POST")) {
                create(call, c);
            } else if (s.size() == 3 && m.equals("GET")) {
                list(call, c);
            } else if (s.size() == 4 && s.get(3).equals("upload") && m.equals("POST")) {
                upload(call, c);
            } else if (s.size() == 4 && s.get(3).equals("recover") && m.equals("PUT")) {
                recoverFromLocation(call, c);
            } else if (s.size() == 4 && m.equals("GET")) {
                download(call, c, s.get(3));
            } else if (s.size() == 4 && m.equals("DELETE")) {
                delete(call, c, s.get(3));
            } else {
                throw ApiError.plain(404, "");
            }
        } finally {
            cutAfter.remove();
        }
    }

    private QdrantCollection existing(String name) {
        QdrantCollection c = server.collections.get(name);
        if (c == null) {
            throw ApiError.collectionNotFound(name);
        }
        return c;
    }

    private void create(Call call, String name) throws IOException {
        QdrantCollection c = existing(name);
        boolean wait = call.flag("wait", true);
        Instant now = server.config.clock().instant();
        List<Point> points = c.points();
        String file = SnapshotStore.name(name, server.config.peerId(), now);
        if (!wait) {
            Thread.ofVirtual().start(() -> {
                try {
                    write(name, file, now, c.config(), points);
                } catch (IOException e) {
                    // nothing to answer to: the snapshot just does not appear, as on a real server
                }
            });
            call.accepted();
            return;
        }
        call.ok(description(write(name, file, now, c.config(), points)));
    }

    private SnapshotStore.Description write(String name, String file, Instant now, CollectionConfig cfg, List<Point> points)
            throws IOException {
        return server.store.write(name, file, now,
                out -> SnapshotArchive.write(cfg, points, server.config.peerId(), now, out));
    }

    private static ObjectNode description(SnapshotStore.Description d) {
        ObjectNode r = F.objectNode();
        r.put("name", d.name());
        r.put("creation_time", d.creationTime());
        r.put("size", d.size());
        r.put("checksum", d.checksum());
        return r;
    }

    private void list(Call call, String name) throws IOException {
        existing(name);
        ArrayNode out = F.arrayNode();
        server.store.list(name).forEach(d -> out.add(description(d)));
        call.ok(out);
    }

    private void delete(Call call, String name, String file) throws IOException {
        existing(name);
        boolean wait = call.flag("wait", true);
        if (server.store.file(name, file).isEmpty()) {
            throw ApiError.notFound("Snapshot " + file + " not found");
        }
        if (!wait) {
            call.accepted();
            server.store.delete(name, file);
            return;
        }
        server.store.delete(name, file);
        call.ok(true);
    }

    /** {@code application/octet-stream}, one byte range honoured; errors in plain text as Qdrant sends them. */
    private void download(Call call, String name, String file) throws IOException {
        if (!server.collections.containsKey(name)) {
            throw ApiError.plain(404, "Not found: Collection `" + name + "` doesn't exist!");
        }
        Path f = server.store.file(name, file)
                .orElseThrow(() -> ApiError.plain(404, "Not found: Snapshot " + file + " not found"));
        long size = Files.size(f);
        long from = 0;
        long to = size - 1;
        int status = 200;
        Map<String, String> headers = new java.util.HashMap<>(Map.of("Accept-Ranges", "bytes"));
        String range = call.header("Range");
        if (range != null) {
            Matcher m = RANGE.matcher(range.trim());
            if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
                throw ApiError.plain(416, "Requested range not satisfiable");
            }
            if (m.group(1).isEmpty()) {
                from = Math.max(0, size - Long.parseLong(m.group(2)));
            } else {
                from = Long.parseLong(m.group(1));
                to = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
            }
            if (from >= size || from > to) {
                headers.put("Content-Range", "bytes */" + size);
                call.stream(416, "text/plain; charset=utf-8", 0, headers).close();
                return;
            }
            status = 206;
            headers.put("Content-Range", "bytes " + from + "-" + to + "/" + size);
        }
        headers.put("Content-Disposition", "attachment; filename=\"" + file + "\"");
        long length = to - from + 1;
        Long cut = cutAfter.get();
        long rate = server.faults().downloadBytesPerSecond();
        try (InputStream in = Files.newInputStream(f);
                OutputStream out = call.stream(status, "application/octet-stream", length, headers)) {
            in.skipNBytes(from);
            out.flush(); // the headers go out at once, as Qdrant sends them, before a slowed body
            byte[] buf = new byte[1 << 16];
            long sent = 0;
            long start = System.nanoTime();
            while (sent < length) {
                int n = (int) Math.min(buf.length, length - sent);
                if (cut != null) {
                    n = (int) Math.min(n, cut - sent);
                    if (n <= 0) {
                        out.flush();
                        throw new QdrantStandIn.ConnectionReset();
                    }
                }
                if (rate > 0) {
                    pace(start, sent + n, rate); // before the write, so the last byte arrives on time too
                }
                in.readNBytes(buf, 0, n);
                out.write(buf, 0, n);
                sent += n;
            }
        }
    }

    private static void pace(long startNanos, long bytes, long rate) {
        long wait = startNanos + bytes * 1_000_000_000L / rate - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QdrantStandIn.ConnectionReset();
            }
        }
    }

    private static String priority(String value) {
        if (value != null && !PRIORITIES.contains(value)) {
            throw ApiError.badRequest("Query deserialize error: unknown variant `" + value
                    + "`, expected one of `no_sync`, `snapshot`, `replica`");
        }
        return value;
    }

    /** Multipart upload, field {@code snapshot}: stored in the collection's snapshot folder, then recovered. */
    private void upload(Call call, String name) throws IOException {
        String priority = priority(call.query.get("priority"));
        String checksum = call.query.get("checksum");
        boolean wait = call.flag("wait", true);
        if (!SnapshotStore.safe(name)) {
            throw ApiError.collectionNotFound(name);
        }
        Multipart mp = Multipart.of(call.header("Content-Type"), call.body());
        Multipart.Part part;
        Path tmp = Files.createTempFile(server.store.root(), ".tmp-upload-", ".part");
        try {
            String filename = null;
            String sha = null;
            while ((part = mp.next()) != null) {
                if ("snapshot".equals(part.name()) && sha == null) {
                    MessageDigest digest = SnapshotArchive.sha256();
                    try (OutputStream out = new DigestOutputStream(new java.io.BufferedOutputStream(
                            Files.newOutputStream(tmp), 1 << 16), digest)) {
                        if (!mp.copyUntilDelimiter(out)) {
                            throw ApiError.badRequest("Multipart stream is incomplete");
                        }
                    }
                    sha = HexFormat.of().formatHex(digest.digest());
                    filename = part.filename();
                } else if (!mp.copyUntilDelimiter(OutputStream.nullOutputStream())) {
                    throw ApiError.badRequest("Multipart stream is incomplete");
                }
            }
            if (sha == null) {
                throw ApiError.badRequest("Bad request: no `snapshot` field in the multipart form");
            }
            verifyChecksum(checksum, sha);
            String base = filename == null ? "" : filename.substring(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
            String stored = SnapshotStore.safe(base) ? base : UUID.randomUUID() + ".snapshot";
            Path target = server.store.adopt(name, stored, tmp, sha);
            try {
                finish(call, name, target, priority, wait, () -> { });
            } catch (ApiError | IOException e) {
                server.store.delete(name, stored); // a failed recovery leaves nothing behind
                throw e;
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void verifyChecksum(String expected, String actual) {
        if (expected != null && !expected.equalsIgnoreCase(actual)) {
            throw ApiError.badRequest("Bad request: Snapshot checksum mismatch: expected " + expected + ", got " + actual);
        }
    }

    /**
     * Recovers now, or with {@code wait=false} in the background after answering 202; runs
     * {@code after} once the recovery is over either way.
     */
    private void finish(Call call, String name, Path file, String priority, boolean wait, Runnable after)
            throws IOException {
        if (!wait) {
            call.accepted();
            Thread.ofVirtual().start(() -> {
                try {
                    recover(name, file, priority);
                } catch (IOException | RuntimeException e) {
                    // a background recovery that fails leaves the collection as it was
                } finally {
                    after.run();
                }
            });
            return;
        }
        try {
            recover(name, file, priority);
        } finally {
            after.run();
        }
        call.ok(true);
    }

    /** Reads the whole snapshot first, so that nothing changes unless it is valid and compatible. */
    private void recover(String name, Path file, String priority) throws IOException {
        SnapshotArchive.Contents contents;
        try (InputStream in = Files.newInputStream(file)) {
            contents = SnapshotArchive.read(in);
        }
        QdrantCollection current = server.collections.get(name);
        if (current != null) {
            String why = contents.config().incompatibilityWith(current.config());
            if (why != null) {
                throw ApiError.badRequest("Bad request: Snapshot is not compatible with existing collection: " + why);
            }
        }
        QdrantCollection fresh = new QdrantCollection(name, contents.config());
        fresh.upsert(contents.points());
        server.collections.put(name, fresh);
        server.recordRecoveryPriority(priority);
    }

    /** {@code PUT …/snapshots/recover}: a {@code file://} path inside the snapshot folder, or an http(s) URL. */
    private void recoverFromLocation(Call call, String name) throws IOException {
        boolean wait = call.flag("wait", true);
        JsonNode body = call.json();
        if (!body.path("location").isTextual()) {
            throw new ApiError(422, "Validation error in JSON body: [location: field is required]", false);
        }
        String priority = priority(body.hasNonNull("priority") ? body.get("priority").asText() : null);
        String checksum = body.hasNonNull("checksum") ? body.get("checksum").asText() : null;
        URI location;
        try {
            location = URI.create(body.get("location").asText());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("Bad request: invalid snapshot location: " + e.getMessage());
        }
        Path file;
        Path downloaded = null;
        if ("file".equals(location.getScheme())) {
            file = Paths.get(location).normalize();
            if (!file.startsWith(server.store.root().normalize())) {
                throw new ApiError(403, "Forbidden: Snapshot file " + file + " is outside of the snapshots directory", false);
            }
            if (!Files.isRegularFile(file)) {
                throw ApiError.badRequest("Bad request: Snapshot file " + file + " does not exist");
            }
        } else if ("http".equals(location.getScheme()) || "https".equals(location.getScheme())) {
            downloaded = fetch(location, body.hasNonNull("api_key") ? body.get("api_key").asText() : null);
            file = downloaded;
        } else {
            throw ApiError.badRequest("Bad request: unsupported snapshot location scheme: " + location.getScheme());
        }
        Path temporary = downloaded;
        Runnable cleanup = () -> {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    // in the stand-in's temporary folder, which close() removes anyway
                }
            }
        };
        try {
            verifyChecksum(checksum, sha256(file));
        } catch (ApiError e) {
            cleanup.run();
            throw e;
        }
        finish(call, name, file, priority, wait, cleanup);
    }

    private Path fetch(URI url, String apiKey) throws IOException {
        Path tmp = Files.createTempFile(server.store.root(), ".tmp-download-", ".part");
        HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(10)).GET();
        if (apiKey != null) {
            req.header("api-key", apiKey);
        }
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            HttpResponse<Path> r = client.send(req.build(), HttpResponse.BodyHandlers.ofFile(tmp));
            if (r.statusCode() != 200) {
                Files.deleteIfExists(tmp);
                throw ApiError.badRequest("Bad request: failed to download snapshot from " + url + ": status "
                        + r.statusCode());
            }
            return tmp;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Files.deleteIfExists(tmp);
            throw new IOException("interrupted while downloading " + url, e);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw ApiError.badRequest("Bad request: failed to download snapshot from " + url + ": " + e.getMessage());
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest d = SnapshotArchive.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) {
                d.update(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
