package io.lifeboat.source.postgres;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.source.BackupSink;
import io.lifeboat.core.source.StoredContent;
import io.lifeboat.source.postgres.DumpMetadata.TableCount;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Dumps one database into a sink: facts, exported snapshot, table list (privileges checked),
 * pg_dump streamed into the sink while another thread counts rows in the same snapshot (see the
 * package documentation). Stores the dump's content but no tree: the caller places it.
 */
final class DatabaseDump {
    private final PostgresSourceConfig config;

    private DatabaseDump(PostgresSourceConfig config) {
        this.config = config;
    }

    /** The stored dump and what was recorded about it. */
    record Result(StoredContent content, DumpMetadata metadata) {}

    /** Dumps the database of {@code config.connection()}; fails without storing a tree. */
    static Result run(PostgresSourceConfig config, BackupSink sink) {
        return new DatabaseDump(config).run(sink);
    }

    private Result run(BackupSink sink) {
        PgConnectionConfig c = config.connection();
        try (PgSession session = PgSession.connect(c, config.password(), "connecting for the backup")) {
            DumpMetadata facts = session.facts();
            ClientTools tools = ClientTools.forServer(config.tools(), facts.serverMajor(), "pg_dump");
            String[] snapshot = session.exportSnapshot();
            List<TableCount> tables = session.tables();
            facts = new DumpMetadata(facts.host(), facts.port(), facts.user(), facts.database(), facts.serverVersion(),
                    facts.serverVersionNum(), facts.systemIdentifier(), facts.databaseSize(), facts.encoding(),
                    facts.collation(), facts.ctype(), facts.extensions(), snapshot[0], snapshot[1], snapshot[2],
                    tables, DumpMetadata.FORMAT, 0, tools.version(), tools.major());
            Dumped dumped = dump(session, tools, snapshot[0], tables, sink);
            session.commit();
            return new Result(dumped.content(), facts.withDump(dumped.content().size(), dumped.counts()));
        }
    }

    private record Dumped(StoredContent content, List<TableCount> counts) {}

    /** Runs pg_dump into the sink while another thread counts rows in the same snapshot. */
    private Dumped dump(PgSession session, ClientTools tools, String snapshot, List<TableCount> tables, BackupSink sink) {
        PgConnectionConfig c = config.connection();
        List<String> cmd = List.of(tools.program("pg_dump").toString(), "--format=custom", "--compress=0",
                "--no-password", "--snapshot=" + snapshot, "--dbname=" + PgConnectionConfig.dbnameConninfo(c.database()));
        try (ClientEnvironment env = ClientEnvironment.create(c, config.password())) {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            env.apply(pb.environment(), c.database());
            Process p = ChildProcess.start(pb);
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<List<TableCount>> counting = new CompletableFuture<>();
            Thread.ofVirtual().name("count-rows").start(() -> {
                try {
                    counting.complete(count(session, tables, stop));
                } catch (RuntimeException e) {
                    counting.completeExceptionally(e);
                    p.destroyForcibly();
                }
            });
            StderrTail err = StderrTail.of(p);
            StoredContent content;
            try {
                p.getOutputStream().close();
                content = sink.storeContent(new ProgressStream(p.getInputStream(), sink.progress(), "dump", c.database()));
            } catch (IOException | RuntimeException e) {
                stop.set(true);
                p.destroyForcibly();
                awaitQuietly(counting);
                if (e instanceof LifeboatException le) {
                    throw le;
                }
                throw new LifeboatException(ErrorCode.SOURCE_ERROR, "reading pg_dump's output for " + c.identity()
                        + " failed: " + e.getMessage(), "see the server log", e);
            }
            int rc = ChildProcess.waitFor(p);
            List<TableCount> counts = awaitCounts(counting, stop);
            if (rc != 0) {
                List<String> lines = err.lines().stream()
                        .map(l -> config.password() == null ? l : config.password().scrub(l)).toList();
                throw PgErrors.ofChild("pg_dump", rc, lines, c);
            }
            return new Dumped(content, counts);
        }
    }

    private static List<TableCount> count(PgSession session, List<TableCount> tables, AtomicBoolean stop) {
        List<TableCount> out = new ArrayList<>();
        for (TableCount t : tables) {
            if (stop.get()) {
                break;
            }
            out.add(new TableCount(t.schema(), t.name(), session.countRows(t.schema(), t.name())));
        }
        return out;
    }

    private static List<TableCount> awaitCounts(CompletableFuture<List<TableCount>> counting, AtomicBoolean stop) {
        try {
            return counting.get(6, TimeUnit.HOURS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LifeboatException le) {
                throw le;
            }
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "counting rows failed: " + e.getCause(), null, e.getCause());
        } catch (InterruptedException e) {
            stop.set(true);
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while counting rows", null, e);
        } catch (TimeoutException e) {
            stop.set(true);
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "counting rows took longer than 6 hours", null, e);
        }
    }

    private static void awaitQuietly(CompletableFuture<?> f) {
        try {
            f.get(1, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            // The dump failed already; that failure is the one to report.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
