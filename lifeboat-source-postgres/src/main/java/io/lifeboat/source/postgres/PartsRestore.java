package io.lifeboat.source.postgres;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.source.RestoreReader;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.Tree;
import io.lifeboat.source.postgres.DumpLayout.Part;
import io.lifeboat.source.postgres.DumpLayout.TableRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
 *   <li>the schema part's post-data section: with several jobs, the plain indexes first, shared
 *       out over {@code config.jobs()} pg_restore processes by {@code --use-list} (a list of TOC
 *       entries, a few lines on disk); then constraints, foreign keys, triggers and the rest in one
 *       pg_restore.
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
        bytes += postData(schema, reader, warnings);
        return bytes;
    }

    /**
     * The post-data section. With several jobs, the plain indexes ({@code INDEX} entries of
     * pg_class; a table's index builds do not block each other) are built first by
     * {@code config.jobs()} pg_restore processes, each given a share of them with
     * {@code --use-list}; then one pg_restore does the rest (constraints, which may need those
     * indexes, foreign keys, triggers, comments).
     */
    private long postData(Node schema, RestoreReader reader, List<String> warnings) {
        String label = DumpLayout.SCHEMA_NODE + " post-data";
        int width = config.jobs();
        List<String> toc = width > 1 ? runner.list(schema, reader) : List.of();
        List<String> indexes = toc.stream().filter(PartsRestore::isIndex).toList();
        if (indexes.size() < 2) {
            return runner.run(schema, reader, List.of("--section=post-data"), config.clean(), label, warnings);
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("lifeboat-toc-");
            List<List<String>> shares = new ArrayList<>();
            for (int i = 0; i < Math.min(width, indexes.size()); i++) {
                shares.add(new ArrayList<>());
            }
            for (int i = 0; i < indexes.size(); i++) {
                shares.get(i % shares.size()).add(indexes.get(i));
            }
            List<Callable<Long>> runs = new ArrayList<>();
            for (int i = 0; i < shares.size(); i++) {
                Path list = Files.write(dir.resolve("indexes-" + (i + 1) + ".list"), shares.get(i));
                String what = label + " (indexes " + (i + 1) + "/" + shares.size() + ")";
                runs.add(() -> runner.run(schema, reader, List.of("--section=post-data", "--use-list=" + list),
                        config.clean(), what, warnings));
            }
            long bytes = parallel(runs, width, "building the indexes");
            List<String> rest = toc.stream().filter(l -> !isIndex(l)).toList();
            Path restList = Files.write(dir.resolve("rest.list"), rest);
            return bytes + runner.run(schema, reader, List.of("--section=post-data", "--use-list=" + restList),
                    config.clean(), label, warnings);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "cannot write pg_restore's list of indexes: " + e.getMessage(),
                    "check that the temporary directory (java.io.tmpdir) is writable", e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /** A TOC line of a plain index: {@code <id>; 1259 <oid> INDEX <schema> <name> <owner>}. */
    static boolean isIndex(String tocLine) {
        int semi = tocLine.indexOf("; ");
        if (semi < 0) {
            return false;
        }
        String[] f = tocLine.substring(semi + 2).split(" ", 4);
        return f.length == 4 && f[0].equals("1259") && f[2].equals("INDEX") && !f[3].startsWith("ATTACH ");
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // A few list files of object names left in the temporary directory; nothing secret.
        }
    }

    private long data(List<Part> parts, List<Node> nodes, RestoreReader reader, List<String> warnings) {
        List<Callable<Long>> runs = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Node n = nodes.get(i);
            String label = parts.get(i).node();
            runs.add(() -> runner.run(n, reader, List.of("--data-only"), false, label, warnings));
        }
        return parallel(runs, jobs, "restoring the data parts");
    }

    /** Runs {@code width} at a time; waits for all, then throws the first failure. */
    private long parallel(List<Callable<Long>> runs, int width, String doing) {
        long bytes = 0;
        List<Future<Long>> futures = new ArrayList<>();
        LifeboatException first = null;
        try (ExecutorService pool = Executors.newFixedThreadPool(width, Thread.ofVirtual().name("restore-part-", 1).factory())) {
            for (Callable<Long> run : runs) {
                futures.add(pool.submit(run));
            }
            for (Future<Long> f : futures) {
                try {
                    bytes += f.get();
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof LifeboatException le ? le : new LifeboatException(
                                ErrorCode.INTERNAL, doing + " failed: " + e.getCause(), null, e.getCause());
                    }
                } catch (InterruptedException e) {
                    pool.shutdownNow();
                    Thread.currentThread().interrupt();
                    throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while " + doing, null, e);
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
