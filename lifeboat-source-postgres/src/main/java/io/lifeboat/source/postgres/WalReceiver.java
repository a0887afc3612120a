package io.lifeboat.source.postgres;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.source.postgres.physical.Lsn;
import io.lifeboat.source.postgres.physical.WalReceiverStatus;
import io.lifeboat.source.postgres.physical.WalSink;
import io.lifeboat.source.postgres.physical.WalSpool;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * {@code wal receive}: streams WAL from a PostgreSQL server over the replication protocol with a
 * physical replication slot and stores it in the repository as {@code wal push} would. See the
 * package documentation of {@code physical} for the protocol (spool, acknowledgement, restart).
 * One instance runs once, on the calling thread; {@code stop} is polled between messages.
 */
public final class WalReceiver {
    private static final Duration STATUS_UPDATE = Duration.ofSeconds(1);
    private static final Duration SLOT_RELEASE = Duration.ofSeconds(10);
    private static final int QUICK_POLLS = 200;

    /** What the receiver reports while it runs (the CLI prints it). Called on the receiving thread. */
    public interface Events {
        Events NONE = new Events() {};

        default void started(String systemId, int timeline, Lsn start, String slot, boolean slotCreated) {}

        default void segmentStored(String segment, boolean stored, Lsn flushed) {}

        default void streamingStored(String segment, Lsn end) {}

        default void historyStored(String name) {}

        default void notice(String message) {}
    }

    /** How a run ended. */
    public enum Stop { UNTIL_REACHED, INTERRUPTED }

    /**
     * What a run did. {@code flushed} is the position the server was told is safe: the end of the
     * stored complete segments, or the received position once the segment being received was stored
     * as its {@code .streaming} copy.
     */
    public record Result(String systemId, String slot, boolean slotCreated, int timeline, Lsn start, Lsn received,
            Lsn stored, Lsn flushed, long segmentsStored, long segmentsAlreadyPresent, long streamingStores,
            long bytesReceived, Duration duration, Stop stop) {}

    private final WalReceiveConfig config;
    private final WalSink sink;
    private final Clock clock;
    private final Events events;

    private String systemId;
    private long segmentSize;
    private int timeline;
    private boolean slotCreated;
    /** The next byte expected from the server. */
    private long position;
    private long flushed;
    private long storedEnd;
    private Lsn serverFlush;
    private long segmentsStored;
    private long segmentsPresent;
    private long streamingStores;
    private long bytesReceived;
    private long lastStreamingLength = -1;
    private long catchUp;
    private int quietPolls;
    private Instant lastStreamingStore;
    private Instant lastStatus = Instant.EPOCH;

    public WalReceiver(WalReceiveConfig config, WalSink sink, Clock clock, Events events) {
        this.config = Objects.requireNonNull(config, "config");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = Objects.requireNonNull(events, "events");
    }

    /**
     * Receives until {@code stop} says so or the configured end is in the repository.
     *
     * @throws LifeboatException {@code source_error} for server and connection failures,
     *     {@code refused} for another system's repository, {@code not_found} for a missing slot
     */
    public Result run(BooleanSupplier stop) {
        PgConnectionConfig c = config.connection();
        Instant started = clock.instant();
        try (Connection sql = connect(c, false, "connecting to stream WAL"); WalSpool spool = WalSpool.open(config.spool())) {
            checkSettings(sql);
            Lsn start;
            Stop how;
            try (Connection repl = connect(c, true, "opening a replication connection")) {
                Identity id = identify(repl);
                systemId = id.systemId();
                timeline = id.timeline();
                checkSystem();
                spool.claim(systemId);
                // After the system check: a slot created on the wrong server would keep its WAL forever.
                SlotState slot = slot(sql);
                Lsn switchPoint = storeHistory(repl, timeline);
                removeStaleStreaming();
                keepLeftover(spool);
                start = new Lsn(startPosition(slot, id, switchPoint));
                catchUp = id.flush().value();
                Lsn until = config.once() ? id.flush() : config.until();
                events.started(systemId, timeline, start, config.slot(), slotCreated);
                how = stream(sql, repl, spool, start, until, stop);
            }
            return new Result(systemId, config.slot(), slotCreated, timeline, start, new Lsn(position), new Lsn(storedEnd),
                    new Lsn(flushed), segmentsStored, segmentsPresent, streamingStores, bytesReceived,
                    Duration.between(started, clock.instant()), how);
        } catch (SQLException e) {
            throw ReplicationErrors.of(e, c, "streaming WAL");
        }
    }

    private record SlotState(Lsn restart) {}

    private record Identity(String systemId, int timeline, Lsn flush) {}

    /** Checks the role's privilege and the server's settings for streaming. */
    private void checkSettings(Connection sql) throws SQLException {
        PgConnectionConfig c = config.connection();
        try (Statement st = sql.createStatement();
                ResultSet rs = st.executeQuery("""
                        SELECT (SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user),
                               current_setting('max_wal_senders')::int, current_setting('wal_level'),
                               (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size'),
                               current_setting('max_replication_slots')::int""")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw ReplicationErrors.noReplicationRole(c, null);
            }
            if (rs.getInt(2) == 0) {
                throw ReplicationErrors.maxWalSenders(c, null);
            }
            if ("minimal".equals(rs.getString(3))) {
                throw new LifeboatException(ErrorCode.SOURCE_ERROR, "server " + c.hostPort() + " writes too little WAL to "
                        + "stream (wal_level = minimal)", "set wal_level = replica in postgresql.conf and restart the server");
            }
            segmentSize = rs.getLong(4);
            if (rs.getInt(5) == 0) {
                throw new LifeboatException(ErrorCode.SOURCE_ERROR, "server " + c.hostPort() + " allows no replication "
                        + "slots (max_replication_slots = 0)", "set max_replication_slots (e.g. 10) in postgresql.conf "
                        + "and restart the server");
            }
        }
    }

    /** Finds the slot, or creates it when asked to. */
    private SlotState slot(Connection sql) throws SQLException {
        PgConnectionConfig c = config.connection();
        // A receiver killed a moment ago leaves its WAL sender behind until the server notices the
        // closed connection: give it a few seconds before calling the slot busy.
        long deadline = System.nanoTime() + SLOT_RELEASE.toNanos();
        while (true) {
            try (PreparedStatement ps = sql.prepareStatement(
                    "SELECT slot_type, restart_lsn::text, active, active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
                ps.setString(1, config.slot());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        break;
                    }
                    if (!"physical".equals(rs.getString(1))) {
                        throw new LifeboatException(ErrorCode.REFUSED, "replication slot '" + config.slot() + "' on "
                                + c.hostPort() + " is a " + rs.getString(1) + " slot", "name a physical slot with --slot");
                    }
                    if (!rs.getBoolean(3)) {
                        String restart = rs.getString(2);
                        return new SlotState(restart == null ? null : Lsn.parse(restart));
                    }
                    if (System.nanoTime() > deadline) {
                        throw new LifeboatException(ErrorCode.REPOSITORY_LOCKED, "replication slot '" + config.slot()
                                + "' on " + c.hostPort() + " is in use (WAL sender pid " + rs.getInt(4) + ")",
                                "run one receiver per slot; another 'wal receive' or a standby uses this one");
                    }
                }
            }
            sleep(250);
        }
        if (!config.createSlot()) {
            throw new LifeboatException(ErrorCode.NOT_FOUND, "replication slot '" + config.slot() + "' does not exist on "
                    + c.hostPort(), "pass --create-slot to create it (it keeps WAL on the server until Lifeboat has "
                    + "stored it), or name an existing physical slot with --slot");
        }
        try (PreparedStatement ps = sql.prepareStatement(
                "SELECT lsn::text FROM pg_create_physical_replication_slot(?, true)")) {
            ps.setString(1, config.slot());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                slotCreated = true;
                return new SlotState(Lsn.parse(rs.getString(1)));
            }
        }
    }

    private Connection connect(PgConnectionConfig c, boolean replication, String doing) {
        Properties p = c.jdbcProperties(config.password());
        if (replication) {
            PGProperty.REPLICATION.set(p, "true");
            PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "9.4");
            PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        }
        return connectWith(c, p, doing);
    }

    private static Connection connectWith(PgConnectionConfig c, Properties p, String doing) {
        try {
            return DriverManager.getConnection(c.jdbcUrl(), p);
        } catch (SQLException e) {
            throw ReplicationErrors.of(e, c, doing);
        }
    }

    private Identity identify(Connection repl) throws SQLException {
        try (Statement st = repl.createStatement(); ResultSet rs = st.executeQuery("IDENTIFY_SYSTEM")) {
            rs.next();
            return new Identity(rs.getString(1), rs.getInt(2), Lsn.parse(rs.getString(3)));
        }
    }

    private void checkSystem() {
        for (String other : sink.systemIds()) {
            if (!other.equals(systemId)) {
                throw new LifeboatException(ErrorCode.REFUSED, "this repository holds WAL and base backups of PostgreSQL "
                        + "system " + other + ", but " + config.connection().hostPort() + " is system " + systemId,
                        "give every PostgreSQL cluster (every system identifier) its own repository");
            }
        }
    }

    /**
     * Stores the history file of {@code tli} (timelines after the first have one).
     *
     * @return where {@code tli} branched off its parent, or null on the first timeline
     */
    private Lsn storeHistory(Connection repl, int tli) throws SQLException {
        if (tli <= 1) {
            return null;
        }
        try (Statement st = repl.createStatement(); ResultSet rs = st.executeQuery("TIMELINE_HISTORY " + tli)) {
            rs.next();
            String name = rs.getString(1);
            // The content column is raw text although typed bytea.
            byte[] content = rs.getString(2).getBytes(StandardCharsets.UTF_8);
            if (sink.store(systemId, name, content)) {
                events.historyStored(name);
            }
            // Each line is "parent timeline <tab> switch point <tab> reason"; the last one is ours.
            String[] lines = rs.getString(2).strip().split("\n");
            String[] last = lines[lines.length - 1].split("\t");
            return last.length >= 2 ? Lsn.parse(last[1].strip()) : null;
        }
    }

    /** Drops in-progress copies whose complete segment is stored (left by a receiver killed in between). */
    private void removeStaleStreaming() {
        for (String s : sink.streamingSegments(systemId)) {
            if (sink.contains(systemId, s)) {
                sink.removeStreaming(systemId, s);
            }
        }
    }

    /**
     * A segment a killed receiver left in the spool may hold WAL it never stored: keep it as the
     * in-progress copy unless the complete segment is there. The stream restarts at that segment's
     * start anyway.
     */
    private void keepLeftover(WalSpool spool) {
        spool.leftover().ifPresent(l -> {
            if (l.length() > 0 && !sink.contains(systemId, l.segment())
                    && !sink.streamingSegments(systemId).contains(l.segment())) {
                sink.storeStreaming(systemId, l.segment(), spool.readLeftover(l, segmentSize));
                events.notice("stored the " + l.length() + " bytes of " + l.segment() + " left in the spool");
            }
        });
    }

    /**
     * The start of the segment to stream first: after the newest segment of this timeline already
     * in the repository, but never before the slot's restart position (older WAL is gone from the
     * server) nor after the server's flush position.
     */
    private long startPosition(SlotState slot, Identity id, Lsn switchPoint) {
        long start = slot.restart() != null ? slot.restart().value() : id.flush().value();
        if (switchPoint != null && start < segmentStart(switchPoint.value())) {
            // WAL before the switch exists under the parent timeline's names; the segment holding the
            // switch point exists on this timeline too, carrying the parent's WAL up to the switch.
            start = segmentStart(switchPoint.value());
        }
        String prefix = String.format("%08X", timeline);
        List<String> segments = sink.segments(systemId);
        String newest = segments.stream().filter(s -> s.startsWith(prefix)).reduce((a, b) -> b).orElse(null);
        if (newest != null) {
            long after = segmentNumber(newest) * segmentSize + segmentSize;
            if (after < segmentStart(start)) {
                events.notice("WAL from " + new Lsn(after) + " to " + new Lsn(start) + " is neither in the repository nor "
                        + "kept by the slot: the archive has a gap before " + new Lsn(start).segmentName(timeline, segmentSize));
            }
            start = Math.max(start, after);
        }
        start = Math.min(segmentStart(start), segmentStart(id.flush().value()));
        flushed = start;
        storedEnd = start;
        position = start;
        return start;
    }

    private Stop stream(Connection sql, Connection repl, WalSpool spool, Lsn start, Lsn until, BooleanSupplier stop)
            throws SQLException {
        PGReplicationStream stream = repl.unwrap(PGConnection.class).getReplicationAPI().replicationStream().physical()
                .withSlotName(config.slot()).withStartPosition(LogSequenceNumber.valueOf(start.value()))
                .withAutomaticFlush(false).withStatusInterval((int) STATUS_UPDATE.toMillis(), TimeUnit.MILLISECONDS)
                .start();
        try (SegmentUploader uploader = new SegmentUploader(sink, systemId)) {
            spool.begin(segmentName(position));
            lastStreamingStore = clock.instant();
            acknowledge(stream);
            while (true) {
                collect(stream, uploader.done());
                if (until != null && position >= until.value() && storedEnd < until.value() && uploader.pending() == 0) {
                    storeStreaming(stream, spool, sql, uploader);
                }
                if (until != null && storedEnd >= until.value()) {
                    finalStatus(spool, sql, "stopped");
                    return Stop.UNTIL_REACHED;
                }
                if (stop.getAsBoolean()) {
                    collect(stream, uploader.drain());
                    storeStreaming(stream, spool, sql, uploader);
                    finalStatus(spool, sql, "stopped");
                    return Stop.INTERRUPTED;
                }
                ByteBuffer data = stream.readPending();
                if (data == null) {
                    if (stream.isClosed()) {
                        throw endOfStream();
                    }
                    if (due()) {
                        storeStreaming(stream, spool, sql, uploader);
                    }
                    // The socket buffer holds well under 10 ms of WAL at full speed: poll quickly
                    // right after data, slowly once the server has been quiet for a while.
                    sleep(quietPolls++ < QUICK_POLLS ? 1 : 10);
                    continue;
                }
                quietPolls = 0;
                long end = stream.getLastReceiveLSN().asLong();
                accept(spool, uploader, end - data.remaining(), data);
                if (due()) {
                    storeStreaming(stream, spool, sql, uploader);
                }
            }
        } finally {
            try {
                stream.close();
            } catch (SQLException e) {
                // The connection closes next; the slot keeps what was not acknowledged.
            }
        }
    }

    private LifeboatException endOfStream() {
        return new LifeboatException(ErrorCode.SOURCE_ERROR, "the server ended WAL streaming at " + new Lsn(position)
                + " on timeline " + timeline + " (a promotion or a timeline switch?)",
                "run 'lifeboat wal receive' again: it follows the server's new timeline and stores its .history file");
    }

    /** Writes one message's WAL into the spool, handing over each segment it completes. */
    private void accept(WalSpool spool, SegmentUploader uploader, long begin, ByteBuffer data) {
        if (begin > position) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "the server sent WAL from " + new Lsn(begin) + " but "
                    + new Lsn(position) + " was expected", "run the receiver again; it restarts from the slot");
        }
        if (begin < position) {
            long skip = position - begin;
            if (skip >= data.remaining()) {
                return;
            }
            data.position(data.position() + (int) skip);
        }
        bytesReceived += data.remaining();
        while (data.hasRemaining()) {
            long segStart = segmentStart(position);
            int n = (int) Math.min(data.remaining(), segStart + segmentSize - position);
            ByteBuffer part = data.slice(data.position(), n);
            spool.write(position - segStart, part);
            data.position(data.position() + n);
            position += n;
            if (position == segStart + segmentSize) {
                // Complete: stored in the background while the next one arrives. The spool copy
                // needs no fsync: the repository's copy is the durable one, and a crash before it is
                // stored loses nothing, since the segment was not acknowledged.
                uploader.submit(spool.segment(), spool.read(segmentSize), position);
                spool.begin(segmentName(position));
                lastStreamingLength = -1;
            }
        }
    }

    /** Segments now durable in the repository: tell the server, in order. */
    private void collect(PGReplicationStream stream, List<SegmentUploader.Done> done) throws SQLException {
        if (done.isEmpty()) {
            return;
        }
        for (SegmentUploader.Done d : done) {
            if (d.stored()) {
                segmentsStored++;
            } else {
                segmentsPresent++;
            }
            flushed = d.end();
            storedEnd = Math.max(storedEnd, d.end());
            events.segmentStored(d.segment(), d.stored(), new Lsn(flushed));
        }
        acknowledge(stream);
    }

    private void acknowledge(PGReplicationStream stream) throws SQLException {
        LogSequenceNumber lsn = LogSequenceNumber.valueOf(flushed);
        stream.setFlushedLSN(lsn);
        stream.setAppliedLSN(lsn);
        stream.forceUpdateStatus();
    }

    private boolean due() {
        return Duration.between(lastStreamingStore, clock.instant()).compareTo(config.streamingInterval()) >= 0;
    }

    /**
     * Stores the segment being received as its {@code .streaming} copy when it grew since the last
     * time, once the receiver has caught up with what the server had when it connected (before that
     * the copy a previous run stored may be longer) and every earlier complete segment is stored;
     * then tells the server that WAL up to the received position is flushed.
     */
    private void storeStreaming(PGReplicationStream stream, WalSpool spool, Connection sql, SegmentUploader uploader)
            throws SQLException {
        if (uploader.pending() > 0) {
            // An earlier segment is not stored yet: a copy of a later one would claim WAL past a gap.
            return;
        }
        lastStreamingStore = clock.instant();
        long length = spool.length();
        if (length > lastStreamingLength && length > 0 && position >= catchUp) {
            spool.sync();
            sink.storeStreaming(systemId, spool.segment(), spool.read(segmentSize));
            lastStreamingLength = length;
            storedEnd = position;
            streamingStores++;
            events.streamingStored(spool.segment(), new Lsn(position));
            // Everything received is durable now (earlier segments whole, this one as its copy), and
            // the slot keeps the whole segment holding the flush position, so a restart still
            // streams it from its start. Without this the server's fast shutdown would wait forever
            // for the flush of the segment being received.
            flushed = position;
            acknowledge(stream);
        }
        recordStatus(spool, sql, "streaming");
    }

    private void finalStatus(WalSpool spool, Connection sql, String state) {
        lastStatus = Instant.EPOCH;
        recordStatus(spool, sql, state);
    }

    private void recordStatus(WalSpool spool, Connection sql, String state) {
        Instant now = clock.instant();
        if (Duration.between(lastStatus, now).compareTo(STATUS_UPDATE) < 0) {
            return;
        }
        lastStatus = now;
        try (Statement st = sql.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_flush_lsn() END::text")) {
            rs.next();
            serverFlush = rs.getString(1) == null ? null : Lsn.parse(rs.getString(1));
        } catch (SQLException e) {
            serverFlush = null;
        }
        PgConnectionConfig c = config.connection();
        sink.recordStatus(systemId, new WalReceiverStatus(config.slot(), c.host() + ":" + c.port(), timeline,
                new Lsn(position), new Lsn(storedEnd), new Lsn(flushed), serverFlush, spool.segment(), now, state));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while streaming WAL", null, e);
        }
    }

    private long segmentStart(long lsn) {
        return lsn - Long.remainderUnsigned(lsn, segmentSize);
    }

    private String segmentName(long lsn) {
        return new Lsn(lsn).segmentName(timeline, segmentSize);
    }

    private long segmentNumber(String name) {
        long perId = 0x100000000L / segmentSize;
        return Long.parseLong(name.substring(8, 16), 16) * perId + Long.parseLong(name.substring(16, 24), 16);
    }
}
