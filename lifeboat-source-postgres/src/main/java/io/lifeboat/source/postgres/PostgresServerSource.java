package io.lifeboat.source.postgres;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.source.BackupOutcome;
import io.lifeboat.core.source.BackupSink;
import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.core.source.Source;
import io.lifeboat.core.source.SourceDescriptor;
import io.lifeboat.core.source.StoredContent;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.NodeType;
import io.lifeboat.core.tree.Tree;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Logical backup of a whole server: the globals (roles, tablespaces) from
 * {@code pg_dumpall --globals-only} as {@value #GLOBALS_NODE}, then every database that accepts
 * connections (templates excluded) as {@code databases/<name>.pgdump}, each dumped exactly like
 * {@link PostgresLogicalSource} does, with its own exported snapshot and row counts. PostgreSQL
 * cannot export one snapshot across databases: each database is consistent in itself, and the
 * databases are dumped one after the other. Thread safe like {@link PostgresLogicalSource}.
 */
public final class PostgresServerSource implements Source {
    public static final String GLOBALS_NODE = "globals.sql";
    public static final String DATABASES_NODE = "databases";
    /** Marks the metadata of a server snapshot (see {@link #metadata}). */
    public static final String ALL_DATABASES = "all_databases";

    private final PostgresSourceConfig config;
    private final Clock clock;

    /** @param config the server; its database is the one to connect to for listing ({@code postgres}) */
    public PostgresServerSource(PostgresSourceConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Kind "postgres"; identity {@code host:port/*}; path {@code postgresql://user@host:port/*}. */
    @Override
    public SourceDescriptor descriptor() {
        PgConnectionConfig c = config.connection();
        return new SourceDescriptor(PostgresLogicalSource.KIND, c.hostPort() + "/*",
                List.of("postgresql://" + c.user() + "@" + c.hostPort() + "/*"));
    }

    @Override
    public ChunkingProfile chunking() {
        return PostgresLogicalSource.DUMP_CHUNKING;
    }

    @Override
    public BackupOutcome backup(BackupSink sink, Optional<BlobId> parentRoot) {
        PgConnectionConfig c = config.connection();
        DumpMetadata server;
        ClientTools tools;
        List<String> databases;
        try (PgSession s = PgSession.connect(c, config.password(), "connecting for the backup")) {
            server = s.facts();
            tools = ClientTools.forServer(config.tools(), server.serverMajor(), "pg_dumpall");
            databases = s.databases();
        }
        Instant now = clock.instant();
        StoredContent globals = globals(tools, sink);
        List<Node> dumps = new ArrayList<>();
        List<Map<String, Object>> dbMeta = new ArrayList<>();
        long bytes = globals.size();
        long rows = 0;
        for (String db : databases) {
            DatabaseDump.Result r = DatabaseDump.run(new PostgresSourceConfig(c.withDatabase(db), config.password(),
                    config.tools()), sink);
            dumps.add(Node.stream(nodeName(db), r.content().size(), now, r.content().blobs()));
            dbMeta.add(r.metadata().toMap());
            bytes += r.content().size();
            rows += r.metadata().totalRows();
        }
        BlobId dbTree = sink.storeTree(new Tree(dumps));
        BlobId root = sink.storeTree(new Tree(List.of(
                Node.stream(GLOBALS_NODE, globals.size(), now, globals.blobs()),
                new Node(DATABASES_NODE, NodeType.DIRECTORY, 0755, 0, 0, now, 0, 0, 0, null, List.of(), dbTree))));
        return new BackupOutcome(root, 1 + dumps.size(), 1, bytes, 0,
                metadata(server, tools, globals.size(), dbMeta, rows), List.of());
    }

    /** The name of a database's dump in the {@value #DATABASES_NODE} tree ({@code /} and {@code %} escaped). */
    public static String nodeName(String database) {
        return database.replace("%", "%25").replace("/", "%2F") + ".pgdump";
    }

    private static Map<String, Object> metadata(DumpMetadata server, ClientTools tools, long globalsBytes,
            List<Map<String, Object>> databases, long rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(ALL_DATABASES, true);
        m.put("host", server.host());
        m.put("port", server.port());
        m.put("user", server.user());
        m.put("server_version", server.serverVersion());
        m.put("server_version_num", server.serverVersionNum());
        m.put("system_identifier", server.systemIdentifier());
        m.put("globals_bytes", globalsBytes);
        m.put("databases", databases);
        m.put("total_rows", rows);
        m.put("client_version", tools.version());
        m.put("client_major", tools.major());
        return m;
    }

    private StoredContent globals(ClientTools tools, BackupSink sink) {
        PgConnectionConfig c = config.connection();
        List<String> cmd = List.of(tools.program("pg_dumpall").toString(), "--globals-only", "--no-password",
                "--dbname=" + PgConnectionConfig.dbnameConninfo(c.database()));
        try (ClientEnvironment env = ClientEnvironment.create(c, config.password())) {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            env.apply(pb.environment(), c.database());
            Process p = ChildProcess.start(pb);
            StderrTail err = StderrTail.of(p);
            StoredContent content;
            try {
                p.getOutputStream().close();
                content = sink.storeContent(p.getInputStream());
            } catch (IOException | RuntimeException e) {
                p.destroyForcibly();
                if (e instanceof LifeboatException le) {
                    throw le;
                }
                throw new LifeboatException(ErrorCode.SOURCE_ERROR, "reading pg_dumpall's output failed: " + e.getMessage(),
                        "see the server log", e);
            }
            int rc = ChildProcess.waitFor(p);
            if (rc != 0) {
                throw PgErrors.ofChild("pg_dumpall --globals-only", rc, err.lines().stream()
                        .map(l -> config.password() == null ? l : config.password().scrub(l)).toList(), c);
            }
            return content;
        }
    }
}
