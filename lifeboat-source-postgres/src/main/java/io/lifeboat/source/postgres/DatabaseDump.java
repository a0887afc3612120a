package io.lifeboat.source.postgres;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.source.BackupSink;
import io.lifeboat.core.source.StoredContent;
import io.lifeboat.source.postgres.DumpLayout.Part;
import io.lifeboat.source.postgres.DumpLayout.TableRef;
import io.lifeboat.source.postgres.DumpMetadata.TableCount;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Dumps one database into a sink: facts, exported snapshot, table list (privileges checked),
 * pg_dump streamed into the sink while another thread counts rows in the same snapshot (see the
 * package documentation). With {@code jobs} above 1, a schema part and up to {@code jobs} data
 * parts over disjoint table sets, each its own pg_dump in the same exported snapshot, streamed
 * into the sink concurrently ({@link DumpLayout}). Stores the dump's contents but no tree: the
 * caller places them.
 */
final class DatabaseDump {
    private final PostgresSourceConfig config;

    private DatabaseDump(PostgresSourceConfig config) {
        this.config = config;
    }

    /** One stored stream and the node name it gets in the snapshot tree. */
    record Stream(String node, StoredContent content) {}

    /** The stored dump (one stream, or the parts in layout order) and what was recorded about it. */
    record Result(List<Stream> streams, DumpMetadata metadata, DumpLayout layout) {
        /** The one stream of a dump taken without parts. */
        StoredContent content() {
            if (streams.size() != 1) {
                throw new IllegalStateException("a dump in " + streams.size() + " parts has no single content");
            }
            return streams.get(0).content();
        }

        long size() {
            return streams.stream().mapToLong(s -> s.content().size()).sum();
        }

        /** The snapshot metadata: the recorded facts plus the layout of a dump in parts. */
        Map<String, Object> metadataMap() {
            Map<String, Object> m = metadata.toMap();
            layout.putInto(m);
            return m;
        }
    }

    /** Dumps the database of {@code config.connection()}; fails without storing a tree. */
    static Result run(PostgresSourceConfig config, BackupSink sink) {
        return new DatabaseDump(config).run(sink);
    }

    /** What one pg_dump writes: its node, its extra arguments, and for data parts the tables. */
    private record Plan(String node, boolean schema, List<String> args, List<TableRef> tables, long tableBytes) {}

    private Result run(BackupSink sink) {
        PgConnectionConfig c = config.connection();
        try (PgSession session = PgSession.connect(c, config.password(), "connecting for the backup")) {
            DumpMetadata facts = session.facts();
            ClientTools tools = ClientTools.forServer(config.tools(), facts.serverMajor(), "pg_dump");
            String[] snapshot = session.exportSnapshot();
            List<TableCount> tables = session.tables();
            List<Plan> plans = config.jobs() <= 1 ? List.of(new Plan(PostgresLogicalSource.DUMP_NODE, false, List.of(),
                    List.of(), 0)) : partsPlan(session.tableSizes(tables));
            facts = new DumpMetadata(facts.host(), facts.port(), facts.user(), facts.database(), facts.serverVersion(),
                    facts.serverVersionNum(), facts.systemIdentifier(), facts.databaseSize(), facts.encoding(),
                    facts.collation(), facts.ctype(), facts.extensions(), snapshot[0], snapshot[1], snapshot[2],
                    tables, config.jobs() <= 1 ? DumpMetadata.FORMAT : DumpMetadata.FORMAT_PARTS, 0, tools.version(),
                    tools.major());
            Dumped dumped = dump(session, tools, snapshot[0], tables, plans, sink);
            session.commit();
            DumpLayout layout = DumpLayout.SINGLE;
            if (config.jobs() > 1) {
                List<Part> parts = new ArrayList<>();
                for (int i = 0; i < plans.size(); i++) {
                    Plan p = plans.get(i);
                    parts.add(new Part(p.node(), p.schema(), p.tables(), p.tableBytes(), dumped.streams().get(i).content().size()));
                }
                layout = new DumpLayout(config.jobs(), parts);
            }
            long bytes = dumped.streams().stream().mapToLong(s -> s.content().size()).sum();
            return new Result(dumped.streams(), facts.withDump(bytes, dumped.counts()), layout);
        }
    }

    /**
     * The schema part (everything except the rows of the listed tables: sequence values, large
     * objects and extension configuration rows stay in it) and one data part per table set.
     */
    private List<Plan> partsPlan(List<TablePartition.SizedTable> sized) {
        List<TablePartition.Set> sets = TablePartition.of(sized, config.jobs());
        List<String> exclude = new ArrayList<>();
        sized.forEach(t -> exclude.add("--exclude-table-data=" + t.table().pattern()));
        List<Plan> plans = new ArrayList<>();
        plans.add(new Plan(DumpLayout.SCHEMA_NODE, true, exclude, List.of(), 0));
        for (int i = 0; i < sets.size(); i++) {
            TablePartition.Set set = sets.get(i);
            List<String> args = new ArrayList<>(List.of("--data-only"));
            set.tables().forEach(t -> args.add("--table=" + t.pattern()));
            plans.add(new Plan(DumpLayout.dataNode(i + 1), false, args, set.tables(), set.bytes()));
        }
        return plans;
    }

    private record Dumped(List<Stream> streams, List<TableCount> counts) {}

    /**
     * Runs every planned pg_dump at once into the sink while another thread counts rows in the
     * same snapshot. The first failure (of a dump or of the counting) kills every other child and
     * is the one reported.
     */
    private Dumped dump(PgSession session, ClientTools tools, String snapshot, List<TableCount> tables, List<Plan> plans,
            BackupSink sink) {
        PgConnectionConfig c = config.connection();
        Set<Process> children = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Runnable abort = () -> {
            stop.set(true);
            children.forEach(Process::destroyForcibly);
        };
        CompletableFuture<List<TableCount>> counting = new CompletableFuture<>();
        Thread.ofVirtual().name("count-rows").start(() -> {
            try {
                counting.complete(count(session, tables, stop));
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
                counting.completeExceptionally(e);
                abort.run();
            }
        });
        AtomicLong progress = new AtomicLong();
        List<Stream> streams = new ArrayList<>();
        try (ClientEnvironment env = ClientEnvironment.create(c, config.password());
                ExecutorService dumps = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<StoredContent>> futures = new ArrayList<>();
            for (Plan plan : plans) {
                futures.add(dumps.submit(() -> {
                    try {
                        return dumpOne(tools, snapshot, plan, env, sink, progress, children, stop, plans.size() > 1);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                        abort.run();
                        throw e;
                    }
                }));
            }
            for (int i = 0; i < plans.size(); i++) {
                try {
                    streams.add(new Stream(plans.get(i).node(), futures.get(i).get()));
                } catch (ExecutionException e) {
                    // Reported below: the first failure, not this part's (it may have been killed because of it).
                } catch (InterruptedException e) {
                    abort.run();
                    Thread.currentThread().interrupt();
                    throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while pg_dump ran", null, e);
                }
            }
        }
        if (failure.get() != null) {
            awaitQuietly(counting);
            throw failure.get();
        }
        List<TableCount> counts = awaitCounts(counting, stop);
        return new Dumped(streams, counts);
    }

    /** One pg_dump streamed into the sink; fails naming the part when there are several. */
    private StoredContent dumpOne(ClientTools tools, String snapshot, Plan plan, ClientEnvironment env, BackupSink sink,
            AtomicLong progress, Set<Process> children, AtomicBoolean stop, boolean parts) {
        PgConnectionConfig c = config.connection();
        List<String> cmd = new ArrayList<>(List.of(tools.program("pg_dump").toString(), "--format=custom", "--compress=0",
                "--no-password", "--snapshot=" + snapshot));
        cmd.addAll(plan.args());
        cmd.add("--dbname=" + PgConnectionConfig.dbnameConninfo(c.database()));
        String what = parts ? "pg_dump (" + plan.node() + ")" : "pg_dump";
        ProcessBuilder pb = new ProcessBuilder(cmd);
        env.apply(pb.environment(), c.database());
        Process p = ChildProcess.start(pb);
        children.add(p);
        if (stop.get()) {
            p.destroyForcibly();
        }
        StderrTail err = StderrTail.of(p);
        StoredContent content;
        try {
            p.getOutputStream().close();
            content = sink.storeContent(new ProgressStream(p.getInputStream(), sink.progress(), "dump", c.database(), progress));
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            if (e instanceof LifeboatException le) {
                throw le;
            }
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "reading " + what + "'s output for " + c.identity()
                    + " failed: " + e.getMessage(), "see the server log", e);
        }
        int rc = ChildProcess.waitFor(p);
        if (rc != 0) {
            List<String> lines = err.lines().stream()
                    .map(l -> config.password() == null ? l : config.password().scrub(l)).toList();
            throw PgErrors.ofChild(what, rc, lines, c);
        }
        return content;
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
