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
import io.lifeboat.source.postgres.physical.BackupLabel;
import io.lifeboat.source.postgres.physical.BackupManifestFacts;
import io.lifeboat.source.postgres.physical.Lsn;
import io.lifeboat.source.postgres.physical.TarReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Physical base backup of a whole PostgreSQL server: {@code pg_basebackup -Ft -D -} read as a
 * tar stream file by file, each file a node of the snapshot tree, chunked at fixed 128 KiB
 * (16 pages) so that unchanged relation files add nothing. The snapshot is returned only once
 * every WAL file from the backup's start to its stop LSN is in the repository's WAL archive
 * (see the package documentation of {@code physical}).
 *
 * <p>{@link #begin()} reads the server's facts and starts pg_basebackup in the background, so that
 * the connection and the checkpoint overlap the opening of the repository (key derivation, index);
 * {@link #backup} then takes the stream over. Without it, {@code backup} does both itself. One
 * backup per instance; {@link #close()} stops a pg_basebackup that {@code backup} did not take.
 */
public final class PostgresPhysicalSource implements Source, AutoCloseable {
    public static final String KIND = "postgres-physical";
    /**
     * 16 pages of 8 KiB: a changed page re-stores 128 KiB; a 1 GiB segment file is 8192 chunks.
     * zstd level 1: on the bench's RAG table (pages of float arrays) it stores 0.697 of the bytes
     * at 498 MB/s, level 3 0.696 at 248 MB/s (one core).
     */
    public static final ChunkingProfile PAGE_CHUNKING = ChunkingProfile.fixed("postgres-pages", 128 * 1024).withZstdLevel(1);
    /** First and longest interval between two looks for the next WAL segment of a backup. */
    static final long FIRST_POLL_MS = 10;
    static final long MAX_POLL_MS = 250;

    private final PhysicalBackupConfig config;
    private final Clock clock;
    /** The launch that {@link #begin()} started, if any. */
    private FutureTask<Launched> early;

    public PostgresPhysicalSource(PhysicalBackupConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Kind "postgres-physical"; identity {@code host:port}; path the connection URL (no password). */
    @Override
    public SourceDescriptor descriptor() {
        PgConnectionConfig c = config.source().connection();
        return new SourceDescriptor(KIND, c.host() + ":" + c.port(), List.of(c.display()));
    }

    @Override
    public ChunkingProfile chunking() {
        return PAGE_CHUNKING;
    }

    /** The server's facts that decide whether and how a base backup can be taken. */
    private record ServerFacts(String version, int versionNum, String systemId, long walSegmentSize, String archiveMode,
            String archiveCommand, List<String> tablespaces, boolean streaming) {}

    /**
     * The server's facts and a running pg_basebackup whose output nobody has read yet. {@code
     * session} is the connection that read the facts, held open for the backup's length: when
     * {@code walFetched}, its temporary replication slot keeps the server from removing the
     * backup's WAL.
     */
    private record Launched(ServerFacts facts, ClientTools tools, Instant started, Process process, StderrTail err,
            ClientEnvironment env, Connection session, boolean walFetched) {

        /** Stops pg_basebackup if it still runs, deletes the password file, ends the session (dropping its slot). */
        void end() {
            process.destroyForcibly();
            try {
                ChildProcess.waitFor(process);
            } finally {
                env.close();
                closeQuietly(session);
            }
        }
    }

    /**
     * Starts reading the server's facts and pg_basebackup on a background thread and returns at
     * once. Errors (connection, refusals) surface from {@link #backup}. The repository's WAL
     * archive ({@link PhysicalBackupConfig#wal()}) is not consulted until then.
     */
    public synchronized void begin() {
        if (early != null) {
            throw new IllegalStateException("begin() was called already");
        }
        early = new FutureTask<>(this::launch);
        Thread.ofPlatform().daemon().name("basebackup-start").start(early);
    }

    /** Stops a pg_basebackup that was begun and not taken over by {@link #backup}; idempotent. */
    @Override
    public synchronized void close() {
        FutureTask<Launched> f = early;
        early = null;
        if (f == null) {
            return;
        }
        try {
            f.get().end();
        } catch (ExecutionException e) {
            // It failed to start: nothing runs.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Connection conn) {
        try {
            conn.close();
        } catch (SQLException e) {
            // The session is over either way; its temporary slot goes with it.
        }
    }

    private synchronized Launched takeLaunched() {
        FutureTask<Launched> f = early;
        early = null;
        if (f == null) {
            return launch();
        }
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while starting pg_basebackup", null, e);
        }
    }

    @Override
    public BackupOutcome backup(BackupSink sink, Optional<BlobId> parentRoot) {
        PgConnectionConfig c = config.source().connection();
        Launched launched = takeLaunched();
        ServerFacts facts = launched.facts();
        ClientTools tools = launched.tools();
        Instant started = launched.started();
        Streamed s;
        try {
            refuseOtherSystem(c, facts);
            s = stream(c, facts, launched, sink);
        } finally {
            launched.end();
        }
        Instant stopped = clock.instant();
        BackupLabel label = s.label();
        BackupManifestFacts.WalRange range = s.range();
        String first = label.startLsn().segmentName(label.timeline(), facts.walSegmentSize());
        String last = new Lsn(range.end().value() - 1).segmentName(range.timeline(), facts.walSegmentSize());
        awaitWal(facts, first, last);
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("mode", "physical");
        md.put("host", c.host());
        md.put("port", c.port());
        md.put("server_version", facts.version());
        md.put("server_version_num", facts.versionNum());
        md.put("system_identifier", facts.systemId());
        md.put("timeline", label.timeline());
        md.put("start_lsn", label.startLsn().toString());
        md.put("stop_lsn", range.end().toString());
        md.put("start_wal_file", first);
        md.put("stop_wal_file", last);
        md.put("wal_segment_size", facts.walSegmentSize());
        md.put("start_time", started.toString());
        md.put("stop_time", stopped.toString());
        md.put("backup_label", label.text());
        md.put("pg_basebackup_version", tools.version());
        md.put("pg_basebackup_wal_method", launched.walFetched() ? "fetch" : "none");
        md.put("files", s.files());
        return new BackupOutcome(s.root(), s.files(), s.directories(), s.bytes(), 0, md, List.of());
    }

    /**
     * Reads the server's facts and starts pg_basebackup. With a temporary replication slot of its
     * session holding the WAL from before the backup's start, pg_basebackup runs with {@code -X
     * fetch}: the server then does not wait at the backup's end for its WAL to be archived, which
     * it checks only once a second, and {@link #awaitWal} polls the repository instead (the WAL
     * files in the stream are skipped: the archive holds them). Without the slot (none free, or no
     * privilege to make one) it runs with {@code -X none}, and the server waits.
     */
    private Launched launch() {
        PgConnectionConfig c = config.source().connection();
        Connection session = connect(c);
        ClientEnvironment env = null;
        try {
            ServerFacts facts = facts(c, session);
            refuseUnsupported(c, facts);
            boolean walFetched = reserveWal(session);
            ClientTools tools = ClientTools.forServer(config.source().tools(), facts.versionNum() / 10000, "pg_basebackup");
            List<String> cmd = List.of(tools.program("pg_basebackup").toString(), "-D", "-", "-Ft", "-X",
                    walFetched ? "fetch" : "none", "--checkpoint=fast", "--no-password", "--verbose", "--label=lifeboat",
                    "--dbname=" + PgConnectionConfig.dbnameConninfo(c.database()));
            env = ClientEnvironment.create(c, config.source().password());
            ProcessBuilder pb = new ProcessBuilder(cmd);
            env.apply(pb.environment(), c.database());
            Instant started = clock.instant();
            Process p = ChildProcess.start(pb);
            return new Launched(facts, tools, started, p, StderrTail.of(p), env, session, walFetched);
        } catch (RuntimeException e) {
            if (env != null) {
                env.close();
            }
            closeQuietly(session);
            throw e;
        }
    }

    private Connection connect(PgConnectionConfig c) {
        try {
            return DriverManager.getConnection(c.jdbcUrl(), c.jdbcProperties(config.source().password()));
        } catch (SQLException e) {
            throw PgErrors.of(e, c, "reading the server's facts for a base backup");
        }
    }

    /**
     * Makes a temporary physical replication slot that reserves WAL from now until the session
     * ends; false when the server refuses (every slot in use, no privilege, too old).
     */
    private static boolean reserveWal(Connection session) {
        String name = "lifeboat_base_" + ProcessHandle.current().pid() + "_" + Long.toHexString(System.nanoTime());
        try (PreparedStatement st = session.prepareStatement("SELECT pg_create_physical_replication_slot(?, true, true)")) {
            st.setString(1, name);
            st.executeQuery().close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private ServerFacts facts(PgConnectionConfig c, Connection conn) {
        try (Statement st = conn.createStatement()) {
            String version;
            int num;
            long segSize;
            String archiveMode;
            String archiveCommand;
            try (ResultSet rs = st.executeQuery("""
                    SELECT current_setting('server_version'), current_setting('server_version_num')::int,
                           (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size'),
                           current_setting('archive_mode'), current_setting('archive_command')""")) {
                rs.next();
                version = rs.getString(1);
                num = rs.getInt(2);
                segSize = rs.getLong(3);
                archiveMode = rs.getString(4);
                archiveCommand = rs.getString(5);
            }
            String sysid;
            try (ResultSet rs = st.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
                rs.next();
                sysid = rs.getString(1);
            }
            List<String> spaces = new ArrayList<>();
            try (ResultSet rs = st.executeQuery(
                    "SELECT spcname FROM pg_tablespace WHERE spcname NOT IN ('pg_default', 'pg_global') ORDER BY 1")) {
                while (rs.next()) {
                    spaces.add(rs.getString(1));
                }
            }
            boolean streaming;
            try (ResultSet rs = st.executeQuery(
                    "SELECT count(*) > 0 FROM pg_replication_slots WHERE slot_type = 'physical' AND active")) {
                rs.next();
                streaming = rs.getBoolean(1);
            }
            return new ServerFacts(version, num, sysid, segSize, archiveMode, archiveCommand, spaces, streaming);
        } catch (SQLException e) {
            throw PgErrors.of(e, c, "reading the server's facts for a base backup");
        }
    }

    private void refuseUnsupported(PgConnectionConfig c, ServerFacts f) {
        if (!f.tablespaces().isEmpty()) {
            throw new LifeboatException(ErrorCode.REFUSED, "server " + c.identity() + " has tablespaces outside the data "
                    + "directory " + f.tablespaces() + "; physical backups of extra tablespaces are not supported yet",
                    "move them into pg_default (ALTER TABLE … SET TABLESPACE pg_default) or use logical backups "
                            + "(lifeboat backup postgres without --mode physical)");
        }
        // With archiving off, WAL reaches the repository only through 'wal receive', whose physical
        // slot is active while it streams; the WAL wait below then checks that it really arrives.
        if ("off".equals(f.archiveMode()) && !f.streaming()) {
            throw new LifeboatException(ErrorCode.REFUSED, "server " + c.identity() + " does not archive WAL "
                    + "(archive_mode = off) and no WAL receiver streams from it: a base backup without its WAL cannot "
                    + "be restored", "run 'lifeboat wal receive' into this repository, or set archive_mode = on and "
                            + "archive_command = 'lifeboat wal push %p' (with --repo and --password-file readable by the "
                            + "server's OS user) and restart the server, then back up again");
        }
    }

    private void refuseOtherSystem(PgConnectionConfig c, ServerFacts f) {
        Set<String> known = config.wal().systemIds();
        for (String other : known) {
            if (!other.equals(f.systemId())) {
                throw new LifeboatException(ErrorCode.REFUSED, "this repository holds WAL and base backups of PostgreSQL "
                        + "system " + other + ", but " + c.identity() + " is system " + f.systemId(),
                        "give every PostgreSQL cluster (every system identifier) its own repository");
            }
        }
    }

    private record Streamed(BlobId root, long files, long directories, long bytes, BackupLabel label,
            BackupManifestFacts.WalRange range) {}

    private Streamed stream(PgConnectionConfig c, ServerFacts facts, Launched launched, BackupSink sink) {
        Process p = launched.process();
        StderrTail err = launched.err();
        AtomicLong waitingSince = new AtomicLong();
        AtomicBoolean killed = new AtomicBoolean();
        Thread watchdog = Thread.ofVirtual().name("basebackup-watchdog").start(() -> watch(p, waitingSince, killed));
        TreeBuilder tree = new TreeBuilder(sink, launched.walFetched());
        try {
            p.getOutputStream().close();
            tree.read(new TouchStream(p.getInputStream(), waitingSince));
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            if (killed.get()) {
                throw walNotArchived(firstMissing(facts, tree.label), facts.archiveCommand());
            }
            if (e instanceof LifeboatException le) {
                throw le;
            }
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "reading pg_basebackup's output for " + c.identity()
                    + " failed: " + e.getMessage() + stderrSuffix(err), "see the server log", e);
        } finally {
            watchdog.interrupt();
        }
        int rc = ChildProcess.waitFor(p);
        List<String> lines = err.lines().stream()
                .map(l -> config.source().password() == null ? l : config.source().password().scrub(l)).toList();
        if (rc != 0) {
            if (killed.get()) {
                throw walNotArchived(firstMissing(facts, tree.label), facts.archiveCommand());
            }
            throw PgErrors.ofChild("pg_basebackup", rc, lines, c);
        }
        if (tree.label == null) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "pg_basebackup's output has no backup_label",
                    "check that the server is PostgreSQL 10 or newer and that --pg-bin points at its client programs");
        }
        BackupManifestFacts.WalRange range = tree.manifest != null
                ? BackupManifestFacts.walRange(tree.manifest).orElse(null) : null;
        if (range == null) {
            Lsn end = BackupManifestFacts.endPoint(lines).orElseThrow(() -> new LifeboatException(
                    ErrorCode.SOURCE_ERROR, "pg_basebackup reported no WAL end point for " + c.identity(),
                    "see the server log"));
            range = new BackupManifestFacts.WalRange(tree.label.timeline(), tree.label.startLsn(), end);
        }
        BlobId root = tree.finish();
        return new Streamed(root, tree.files, tree.directories, tree.bytes, tree.label, range);
    }

    /**
     * Kills pg_basebackup when a read of its stream has waited longer than the WAL timeout (the
     * server waits at pg_backup_stop for archiving). Time spent storing (a slow repository) does
     * not count: {@code waitingSince} is 0 while no read is in progress.
     */
    private void watch(Process p, AtomicLong waitingSince, AtomicBoolean killed) {
        long limit = config.walTimeout().toNanos();
        try {
            while (p.isAlive()) {
                Thread.sleep(500);
                long since = waitingSince.get();
                if (since != 0 && System.nanoTime() - since > limit) {
                    killed.set(true);
                    p.destroy();
                    return;
                }
            }
        } catch (InterruptedException e) {
            // The stream ended: nothing to watch.
        }
    }

    private static String stderrSuffix(StderrTail err) {
        List<String> lines = err.lines();
        return lines.isEmpty() ? "" : " (pg_basebackup: " + lines.getLast() + ")";
    }

    /** The first segment from the backup's start that is not archived (null when the label was not read). */
    private String firstMissing(ServerFacts f, BackupLabel label) {
        if (label == null) {
            return null;
        }
        String next = label.startLsn().segmentName(label.timeline(), f.walSegmentSize());
        for (int i = 0; i < 1_000_000 && config.wal().contains(f.systemId(), next); i++) {
            next = Lsn.nextSegment(next, f.walSegmentSize());
        }
        return next;
    }

    /**
     * Polls the WAL archive until every file from {@code first} to {@code last} is there. The
     * interval starts at {@link #FIRST_POLL_MS} and doubles up to {@link #MAX_POLL_MS}, starting
     * over after each segment that arrives: the stop segment usually lands a fraction of a second
     * after pg_basebackup ends (one push), and a fixed 250 ms added up to that much to every
     * backup, while a slow archiver is not polled (a request each time on object storage) more
     * often than every 250 ms.
     */
    private void awaitWal(ServerFacts f, String first, String last) {
        long deadline = System.nanoTime() + config.walTimeout().toNanos();
        String next = first;
        long pollMs = FIRST_POLL_MS;
        while (true) {
            while (config.wal().contains(f.systemId(), next)) {
                if (next.equals(last)) {
                    return;
                }
                next = Lsn.nextSegment(next, f.walSegmentSize());
                pollMs = FIRST_POLL_MS;
            }
            if (System.nanoTime() > deadline) {
                throw walNotArchived(next, f.archiveCommand());
            }
            try {
                Thread.sleep(pollMs);
                pollMs = Math.min(2 * pollMs, MAX_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while waiting for WAL file " + next, null, e);
            }
        }
    }

    private LifeboatException walNotArchived(String segment, String archiveCommand) {
        String what = segment == null ? "the WAL of the base backup" : "WAL segment " + segment;
        return new LifeboatException(ErrorCode.SOURCE_ERROR, what + " did not reach the repository within "
                + config.walTimeout().toSeconds() + " s; the base backup is not committed",
                "check the server's archive_command" + (archiveCommand == null ? "" : " ('" + archiveCommand + "')")
                        + ": it must run 'lifeboat wal push %p' into this repository, as the server's OS user; "
                        + "the server log shows its failures");
    }

    /** Records when a read of pg_basebackup's output started waiting (0 when none is), for the watchdog. */
    private static final class TouchStream extends InputStream {
        private final InputStream in;
        private final AtomicLong waitingSince;

        TouchStream(InputStream in, AtomicLong waitingSince) {
            this.in = in;
            this.waitingSince = waitingSince;
        }

        @Override
        public int read() throws IOException {
            waitingSince.set(System.nanoTime());
            try {
                return in.read();
            } finally {
                waitingSince.set(0);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            waitingSince.set(System.nanoTime());
            try {
                return in.read(b, off, len);
            } finally {
                waitingSince.set(0);
            }
        }
    }

    /** Builds the snapshot tree from tar entries, storing each file's content as it arrives. */
    private static final class TreeBuilder {
        private final BackupSink sink;
        /** Whether the stream carries WAL files (pg_wal/…), which are skipped: the WAL archive holds them. */
        private final boolean skipWal;
        private final Dir top = new Dir(0700, Instant.EPOCH);
        long files;
        long directories;
        long bytes;
        BackupLabel label;
        String manifest;

        TreeBuilder(BackupSink sink, boolean skipWal) {
            this.sink = sink;
            this.skipWal = skipWal;
        }

        void read(InputStream tar) throws IOException {
            TarReader reader = new TarReader(tar);
            TarReader.Entry e;
            while ((e = reader.next()) != null) {
                if (e.name().isEmpty()) {
                    continue;
                }
                List<String> parts = List.of(e.name().split("/"));
                Dir parent = top;
                for (String part : parts.subList(0, parts.size() - 1)) {
                    parent = parent.dirs.computeIfAbsent(part, k -> new Dir(0700, Instant.EPOCH));
                }
                String name = parts.getLast();
                switch (e.kind()) {
                    case DIRECTORY -> {
                        Dir d = parent.dirs.computeIfAbsent(name, k -> new Dir(0700, Instant.EPOCH));
                        d.mode = e.mode();
                        d.mtime = e.mtime();
                    }
                    case SYMLINK -> parent.nodes.put(name, new Node(name, NodeType.SYMLINK, 0777, 0, 0, e.mtime(), 0, 0,
                            0, e.linkTarget(), List.of(), null));
                    case FILE -> {
                        if (skipWal && e.name().startsWith("pg_wal/")) {
                            continue;
                        }
                        StoredContent content;
                        if (e.name().equals("backup_label") || e.name().equals("backup_manifest")) {
                            byte[] data = reader.content().readAllBytes();
                            String text = new String(data, StandardCharsets.UTF_8);
                            if (e.name().equals("backup_label")) {
                                label = BackupLabel.parse(text);
                            } else {
                                manifest = text;
                            }
                            content = sink.storeContent(new ByteArrayInputStream(data));
                        } else {
                            content = sink.storeContent(reader.content());
                        }
                        files++;
                        bytes += content.size();
                        parent.nodes.put(name, new Node(name, NodeType.FILE, e.mode() & 07777, 0, 0, e.mtime(),
                                content.size(), 0, 0, null, content.blobs(), null));
                    }
                }
            }
        }

        BlobId finish() {
            return store(top);
        }

        private BlobId store(Dir d) {
            List<Node> nodes = new ArrayList<>(d.nodes.values());
            for (Map.Entry<String, Dir> sub : d.dirs.entrySet()) {
                BlobId id = store(sub.getValue());
                directories++;
                nodes.add(new Node(sub.getKey(), NodeType.DIRECTORY, sub.getValue().mode & 07777, 0, 0,
                        sub.getValue().mtime, 0, 0, 0, null, List.of(), id));
            }
            return sink.storeTree(new Tree(nodes));
        }
    }

    private static final class Dir {
        final Map<String, Node> nodes = new TreeMap<>();
        final Map<String, Dir> dirs = new TreeMap<>();
        int mode;
        Instant mtime;

        Dir(int mode, Instant mtime) {
            this.mode = mode;
            this.mtime = mtime;
        }
    }
}
