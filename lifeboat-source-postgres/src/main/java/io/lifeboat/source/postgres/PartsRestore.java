package io.lifeboat.source.postgres;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.source.RestoreReader;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.Tree;
import io.lifeboat.source.postgres.DumpLayout.Part;
import io.lifeboat.source.postgres.DumpLayout.TableRef;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Restores a dump in parts ({@link DumpLayout}) in four phases:
 * <ol>
 *   <li>with {@code clean}, drop the foreign keys of the selected tables (pg_restore drops and
 *       re-creates the tables before their foreign keys, and a referenced table cannot be dropped);
 *   <li>the schema part's pre-data and data sections: schemas, types, functions, tables, sequences
 *       with their values, large objects (no rows of the parted tables);
 *   <li>the data parts, each by its own {@code pg_restore --data-only}, {@code jobs} at a time; a
 *       part holding none of the selected tables is skipped;
 *   <li>the schema part's post-data section: indexes, constraints, foreign keys, triggers. It runs
 *       in one pg_restore (pg_restore cannot build indexes in parallel from a stream).
 * </ol>
 * Every phase reads its stream straight from the repository; nothing is written to disk.
 */
final class PartsRestore {
    private final PostgresRestoreConfig config;
    private final PgRestoreRunner runner;
    private final PgConnectionConfig target;
    private final int jobs;

    PartsRestore(PostgresRestoreConfig config, PgRestoreRunner runner, PgConnectionConfig target, int jobs) {
        this.config = config;
        this.runner = runner;
        this.target = target;
        this.jobs = jobs;
    }

    /** Runs the phases; returns the bytes fed to pg_restore (the schema part counts twice). */
    long run(Tree tree, BlobId root, RestoreReader reader, List<String> warnings) {
        DumpLayout layout = config.layout();
        Node schema = node(tree, root, layout.schemaPart());
        List<Part> parts = layout.dataParts().stream().filter(this::selectsAny).toList();
        List<Node> nodes = parts.stream().map(p -> node(tree, root, p)).toList();
        if (config.clean()) {
            List<TableRef> selected = layout.dataParts().stream().flatMap(p -> p.tables().stream())
                    .filter(t -> config.selects(new DumpMetadata.TableCount(t.schema(), t.name(), 0))).toList();
            try (PgSession s = PgSession.connect(target, config.password(), "preparing the target database")) {
                s.dropForeignKeys(selected);
            }
        }
        long bytes = runner.run(schema, reader, List.of("--section=pre-data", "--section=data"), config.clean(),
                DumpLayout.SCHEMA_NODE + " pre-data", warnings);
        bytes += data(parts, nodes, reader, warnings);
        bytes += runner.run(schema, reader, List.of("--section=post-data"), config.clean(),
                DumpLayout.SCHEMA_NODE + " post-data", warnings);
        return bytes;
    }

    private long data(List<Part> parts, List<Node> nodes, RestoreReader reader, List<String> warnings) {
        long bytes = 0;
        List<Future<Long>> futures = new ArrayList<>();
        LifeboatException first = null;
        try (ExecutorService pool = Executors.newFixedThreadPool(jobs, Thread.ofVirtual().name("restore-part-", 1).factory())) {
            for (int i = 0; i < parts.size(); i++) {
                Node n = nodes.get(i);
                String label = parts.get(i).node();
                futures.add(pool.submit(() -> runner.run(n, reader, List.of("--data-only"), false, label, warnings)));
            }
            for (Future<Long> f : futures) {
                try {
                    bytes += f.get();
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof LifeboatException le ? le : new LifeboatException(
                                ErrorCode.INTERNAL, "restoring a data part failed: " + e.getCause(), null, e.getCause());
                    }
                } catch (InterruptedException e) {
                    pool.shutdownNow();
                    Thread.currentThread().interrupt();
                    throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while restoring the data parts", null, e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return bytes;
    }

    private boolean selectsAny(Part p) {
        return p.tables().stream().anyMatch(t -> config.selects(new DumpMetadata.TableCount(t.schema(), t.name(), 0)));
    }

    private static Node node(Tree tree, BlobId root, Part p) {
        return tree.find(p.node()).orElseThrow(() -> LifeboatException.notFound("dump part " + p.node()
                + " in snapshot tree " + root.hex(), "the snapshot's metadata lists it but its tree does not: run "
                + "'lifeboat check' and list the snapshot with 'lifeboat ls SNAPSHOT'"));
    }
}
