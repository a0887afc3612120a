package io.lifeboat.qdrant.standin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An in-process stand-in for a Qdrant server, for tests: the REST surface of
 * {@code shared/qdrant/README.md} on 127.0.0.1 and an ephemeral port, with collections held in
 * memory and snapshots as real tar files in a temporary folder (removed on {@link #close}).
 * Requests are served on virtual threads; everything is safe to use concurrently.
 *
 * <p>Served: {@code GET /}, {@code /healthz}, {@code /livez}, {@code /readyz}, {@code /cluster};
 * collections (list, create with one or named vectors, info, exists, delete); points (upsert as
 * list or batch, retrieve, get one, delete, scroll, count, query by vector or id or in id order,
 * with a subset of filters); collection snapshots (create, list, download with Range, delete,
 * upload as multipart with checksum and priority, recover from a file or URL location).
 * Anything else answers 404 like an unknown route. Tests reach the state directly through
 * {@link #collection}, {@link #snapshotFiles} and {@link #faults}.
 */
public final class QdrantStandIn implements AutoCloseable {
    private static final Set<String> OPEN_PATHS = Set.of("/", "/healthz", "/livez", "/readyz");

    final StandInConfig config;
    final Map<String, QdrantCollection> collections = new ConcurrentHashMap<>();
    final SnapshotStore store;
    private final Faults faults = new Faults();
    private final List<String> requestLog = java.util.Collections.synchronizedList(new ArrayList<>());
    private final HttpServer server;
    private final ExecutorService executor;
    private final Path folder;
    private final CollectionsApi collectionsApi;
    private final SnapshotsApi snapshotsApi;
    private volatile String lastRecoveryPriority;

    private QdrantStandIn(StandInConfig config) throws IOException {
        this.config = config;
        this.folder = Files.createTempDirectory("qdrant-stand-in-");
        this.store = new SnapshotStore(Files.createDirectories(folder.resolve("snapshots")));
        this.collectionsApi = new CollectionsApi(this);
        this.snapshotsApi = new SnapshotsApi(this);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Starts a stand-in with {@link StandInConfig#defaults()}: no authentication. */
    public static QdrantStandIn start() {
        return start(StandInConfig.defaults());
    }

    public static QdrantStandIn start(StandInConfig config) {
        try {
            return new QdrantStandIn(config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Qdrant stand-in", e);
        }
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public StandInConfig config() {
        return config;
    }

    public Faults faults() {
        return faults;
    }

    /** A collection's current state, if it exists. */
    public Optional<QdrantCollection> collection(String name) {
        return Optional.ofNullable(collections.get(name));
    }

    /** Creates a collection directly (tests set up data without HTTP); fails if it exists. */
    public QdrantCollection createCollection(String name, CollectionConfig cfg) {
        QdrantCollection c = new QdrantCollection(name, cfg);
        if (collections.putIfAbsent(name, c) != null) {
            throw new IllegalStateException("collection " + name + " exists");
        }
        return c;
    }

    /** Every snapshot file on the server, in every collection's folder. */
    public List<Path> snapshotFiles() {
        try {
            List<Path> files = store.allFiles();
            files.sort(Comparator.naturalOrder());
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's snapshot folder (for {@code file://} recovery locations). */
    public Path snapshotFolder() {
        return store.root();
    }

    /** The priority of the most recent recovery, as sent ({@code null} when none was sent). */
    public String lastRecoveryPriority() {
        return lastRecoveryPriority;
    }

    void recordRecoveryPriority(String priority) {
        lastRecoveryPriority = priority;
    }

    /** {@code METHOD path -> status} of every request so far, oldest first. */
    public List<String> requests() {
        synchronized (requestLog) {
            return List.copyOf(requestLog);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        // Logged as the answer goes out: a test that saw the answer finds it in the log.
        Call call = new Call(exchange, c -> requestLog.add(c.method + " " + c.path + " -> " + c.status()));
        try {
            Optional<Faults.Fault> fault = faults.take(call.method, call.path);
            if (fault.isPresent() && inject(call, fault.get())) {
                return;
            }
            Access access = authorize(call);
            if (access == null) {
                return;
            }
            route(call, access);
        } catch (ApiError e) {
            if (e.plainText) {
                call.plain(e.status, e.getMessage());
            } else {
                call.error(e.status, e.getMessage());
            }
        } catch (SnapshotArchive.MalformedSnapshotException e) {
            call.error(500, "Service internal error: File IO error: " + e.getMessage());
        } catch (ConnectionReset e) {
            throw e;
        } catch (IOException | UncheckedIOException e) {
            if (call.status() == 0) {
                call.error(500, "Service internal error: " + e.getMessage());
            }
        } catch (RuntimeException e) {
            if (call.status() == 0) {
                call.error(500, "Service internal error: " + e);
            }
        } finally {
            if (call.status() == 0) {
                requestLog.add(call.method + " " + call.path + " -> reset");
            }
            exchange.close();
        }
    }

    /** Applies a fault; true when the request is done with. */
    private boolean inject(Call call, Faults.Fault fault) throws IOException {
        switch (fault) {
            case Faults.Fault.Status s -> {
                call.error(s.status(), s.message());
                return true;
            }
            case Faults.Fault.Reset r -> throw new ConnectionReset();
            case Faults.Fault.Delay d -> {
                try {
                    Thread.sleep(d.delay());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return false;
            }
            case Faults.Fault.CutDownload c -> {
                snapshotsApi.cutNextDownload(c.afterBytes());
                return false;
            }
        }
    }

    /** Thrown to make the HTTP server drop the connection without an answer. */
    static final class ConnectionReset extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConnectionReset() {
            super("injected connection reset", null, false, false);
        }
    }

    enum Access { READ, MANAGE }

    /** Qdrant's API-key check; answers and returns null when the request may not go on. */
    private Access authorize(Call call) throws IOException {
        if (config.apiKey() == null && config.readOnlyApiKey() == null) {
            return Access.MANAGE;
        }
        if (OPEN_PATHS.contains(call.path)) {
            return Access.READ;
        }
        String key = call.header("api-key");
        String auth = call.header("Authorization");
        if (key == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = auth.substring(7).trim();
        }
        if (key == null) {
            call.plain(401, "Must provide an API key or an Authorization bearer token");
            return null;
        }
        Access access;
        if (key.equals(config.apiKey())) {
            access = Access.MANAGE;
        } else if (key.equals(config.readOnlyApiKey())) {
            access = Access.READ;
        } else {
            call.plain(401, "Invalid API key or JWT");
            return null;
        }
        if (access == Access.READ && !readOnly(call)) {
            if (call.segments.size() == 4 && call.segments.get(2).equals("snapshots") && call.segments.get(3).equals("upload")) {
                call.plain(403, "Forbidden: Global manage access is required"); // before reading the body
            } else {
                call.error(403, "Forbidden: Global manage access is required");
            }
            return null;
        }
        return access;
    }

    private static boolean readOnly(Call call) {
        if (call.method.equals("GET")) {
            return true;
        }
        List<String> s = call.segments;
        if (call.method.equals("POST") && s.size() >= 3 && s.get(0).equals("collections") && s.get(2).equals("points")) {
            return s.size() == 3 || (s.size() == 4 && Set.of("scroll", "count", "query").contains(s.get(3)));
        }
        return false;
    }

    private void route(Call call, Access access) throws IOException {
        List<String> s = call.segments;
        String m = call.method;
        if (s.isEmpty() && m.equals("GET")) {
            ObjectNode v = JsonNodeFactory.instance.objectNode();
            v.put("title", "qdrant - vector search engine");
            v.put("version", config.version());
            v.put("commit", config.commit());
            call.bare(v);
        } else if (s.size() == 1 && Set.of("healthz", "livez", "readyz").contains(s.get(0)) && m.equals("GET")) {
            call.plain(200, s.get(0) + " check passed");
        } else if (s.size() == 1 && s.get(0).equals("cluster") && m.equals("GET")) {
            call.ok(cluster());
        } else if (!s.isEmpty() && s.get(0).equals("collections")) {
            if (s.size() >= 3 && s.get(2).equals("snapshots")) {
                snapshotsApi.route(call);
            } else {
                collectionsApi.route(call);
            }
        } else {
            throw ApiError.plain(404, "");
        }
    }

    private ObjectNode cluster() {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        if (config.clusterPeers() == null) {
            r.put("status", "disabled");
            return r;
        }
        r.put("status", "enabled");
        r.put("peer_id", config.peerId());
        ObjectNode peers = r.putObject("peers");
        config.clusterPeers().forEach((id, uri) -> peers.putObject(Long.toString(id)).put("uri", uri));
        ObjectNode raft = r.putObject("raft_info");
        raft.put("term", 1);
        raft.put("commit", 1);
        raft.put("pending_operations", 0);
        raft.put("leader", config.clusterPeers().keySet().stream().min(Long::compare).orElse(config.peerId()));
        raft.put("role", "Follower");
        raft.put("is_voter", true);
        ObjectNode consensus = r.putObject("consensus_thread_status");
        consensus.put("consensus_thread_status", "working");
        consensus.put("last_update", config.clock().instant().toString());
        r.putObject("message_send_failures");
        return r;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try (var walk = Files.walk(folder)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temporary folder
                }
            });
        } catch (IOException e) {
            // already gone
        }
    }
}
