package io.lifeboat.source.postgres;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.source.RestoreOutcome;
import io.lifeboat.core.source.RestoreReader;
import io.lifeboat.core.source.RestoreTarget;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.Tree;
import io.lifeboat.source.postgres.DumpMetadata.TableCount;
import io.lifeboat.source.postgres.PostgresRestoreReport.TableCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Restores a logical backup with pg_restore, fed from the repository on its stdin (no copy of
 * the dump on disk), into a new database or, with {@code clean}, an existing one; then counts
 * the rows of every restored table and compares them with the counts recorded at backup time.
 * A non-empty database is never written without {@code clean}. Thread safe: each call has its
 * own connections and child.
 */
public final class PostgresRestoreTarget implements RestoreTarget {
    private static final long RESTORE_HOURS = 48;
    private final PostgresRestoreConfig config;

    public PostgresRestoreTarget(PostgresRestoreConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public RestoreOutcome restore(BlobId root, RestoreReader reader) {
        PostgresRestoreReport r = restoreDatabase(root, reader);
        return new RestoreOutcome(r.tables().size(), 0, 0, r.bytesRead(), r.warnings());
    }

    /** {@link #restore}, with the per-table details. */
    public PostgresRestoreReport restoreDatabase(BlobId root, RestoreReader reader) {
        Node dump = dumpNode(root, reader);
        PgConnectionConfig server = config.server();
        PgConnectionConfig target = server.withDatabase(config.database());
        ClientTools tools;
        boolean exists;
        try (PgSession admin = PgSession.connect(server, config.password(), "connecting to the restore server")) {
            int serverMajor = admin.facts().serverMajor();
            tools = ClientTools.forServer(config.tools(), Math.max(serverMajor, config.recorded().clientMajor()), "pg_restore");
            exists = admin.databaseExists(config.database());
            if (exists) {
                refuseNonEmpty(target);
            }
            if (config.dryRun()) {
                return new PostgresRestoreReport(server.hostPort(), config.database(), !exists, config.clean(), true,
                        planned(), 0, tools.version(), List.of());
            }
            if (!exists) {
                DumpMetadata rec = config.recorded();
                admin.createDatabase(config.database(), rec.encoding(), rec.collation(), rec.ctype());
            }
        }
        List<String> warnings = new ArrayList<>();
        long bytes = runPgRestore(tools, dump, reader, target, warnings);
        List<TableCheck> checks = verify(target, warnings);
        return new PostgresRestoreReport(server.hostPort(), config.database(), !exists, config.clean(), false, checks,
                bytes, tools.version(), warnings);
    }

    private Node dumpNode(BlobId root, RestoreReader reader) {
        Tree tree = reader.loadTree(root);
        String db = config.sourceDatabase();
        Optional<Node> node = db == null ? tree.find(PostgresLogicalSource.DUMP_NODE)
                : tree.find(PostgresServerSource.DATABASES_NODE).filter(n -> n.subtree() != null)
                        .flatMap(d -> reader.loadTree(d.subtree()).find(PostgresServerSource.nodeName(db)));
        String name = db == null ? PostgresLogicalSource.DUMP_NODE
                : PostgresServerSource.DATABASES_NODE + "/" + PostgresServerSource.nodeName(db);
        return node.orElseThrow(() -> LifeboatException.notFound("dump " + name + " in snapshot tree " + root.hex(),
                "list the snapshot with 'lifeboat ls SNAPSHOT -R'"));
    }

    /**
     * Applies the globals (roles, tablespaces) of a server snapshot with psql, continuing after
     * errors. Roles that exist already are expected and skipped; other errors are returned as
     * warnings. The role we connect as keeps its password and attributes on the target.
     */
    public List<String> restoreGlobals(BlobId root, RestoreReader reader) {
        Node globals = reader.loadTree(root).find(PostgresServerSource.GLOBALS_NODE).orElseThrow(() ->
                LifeboatException.notFound("globals.sql in snapshot tree " + root.hex(), "pick a snapshot taken with --all-databases"));
        PgConnectionConfig server = config.server();
        int serverMajor;
        try (PgSession admin = PgSession.connect(server, config.password(), "connecting to the restore server")) {
            serverMajor = admin.facts().serverMajor();
        }
        ClientTools tools = ClientTools.forServer(config.tools(), serverMajor, "psql");
        if (config.dryRun()) {
            return List.of();
        }
        List<String> cmd = List.of(tools.program("psql").toString(), "--no-psqlrc", "--quiet", "--no-password",
                "--set=ON_ERROR_STOP=0", "--dbname=" + PgConnectionConfig.dbnameConninfo(server.database()));
        try (ClientEnvironment env = ClientEnvironment.create(server, config.password())) {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            env.apply(pb.environment(), server.database());
            Process p = ChildProcess.start(pb);
            StderrTail err = StderrTail.of(p);
            byte[] sql = globalsWithoutRole(globals, reader, server.user());
            Thread.ofVirtual().name("feed-psql").start(() -> {
                try (OutputStream out = p.getOutputStream()) {
                    out.write(sql);
                } catch (IOException e) {
                    // psql stopped reading (it exited); its exit code and messages tell why.
                }
            });
            int rc = await(p);
            List<String> warnings = err.lines().stream()
                    .map(l -> config.password() == null ? l : config.password().scrub(l))
                    .filter(l -> l.contains("ERROR") && !l.contains("already exists")).limit(20).toList();
            if (rc != 0 && warnings.isEmpty()) {
                throw PgErrors.ofChild("psql (globals)", rc, err.lines(), server);
            }
            return warnings;
        }
    }

    /**
     * The globals script without the statements for {@code role}, the role we connect as: applying
     * them would replace its password and attributes on the target with the source's, and lock us out.
     * Globals are small (roles and tablespaces), so the script is read into memory, up to 64 MiB.
     */
    private static byte[] globalsWithoutRole(Node globals, RestoreReader reader, String role) {
        if (globals.size() > 64L << 20) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "globals.sql is " + globals.size() + " bytes; expected roles "
                    + "and tablespaces only", "restore the databases one by one with --source-db");
        }
        String script;
        try (InputStream in = reader.openContent(globals.content())) {
            script = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.INTERNAL, "reading globals.sql failed: " + e.getMessage(), null, e);
        }
        String plain = role;
        String quoted = PgSession.ident(role);
        StringBuilder out = new StringBuilder(script.length());
        for (String line : script.split("\n", -1)) {
            boolean ours = line.equals("CREATE ROLE " + plain + ";") || line.equals("CREATE ROLE " + quoted + ";")
                    || line.startsWith("ALTER ROLE " + plain + " ") || line.startsWith("ALTER ROLE " + quoted + " ");
            if (!ours) {
                out.append(line).append('\n');
            }
        }
        return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private void refuseNonEmpty(PgConnectionConfig target) {
        List<String> objects;
        try (PgSession s = PgSession.connect(target, config.password(), "inspecting the target database")) {
            objects = s.userObjects();
        }
        if (!objects.isEmpty() && !config.clean()) {
            throw new LifeboatException(ErrorCode.REFUSED, "database " + config.database() + " on "
                    + target.hostPort() + " is not empty (" + String.join(", ", objects.stream().limit(5).toList())
                    + (objects.size() > 5 ? ", …" : "") + "); refusing to restore over it",
                    "restore into a new database with --target-db NEW_NAME, or pass --clean to drop and re-create "
                            + "the backed-up objects in it");
        }
    }

    private List<TableCheck> planned() {
        return config.recorded().tables().stream().filter(config::selects)
                .map(t -> new TableCheck(t.schema(), t.name(), t.rows(), -1)).toList();
    }

    private long runPgRestore(ClientTools tools, Node dump, RestoreReader reader, PgConnectionConfig target,
            List<String> warnings) {
        List<String> cmd = new ArrayList<>(List.of(tools.program("pg_restore").toString(), "--format=custom",
                "--no-password", "--dbname=" + PgConnectionConfig.dbnameConninfo(config.database())));
        if (config.clean()) {
            cmd.add("--clean");
            cmd.add("--if-exists");
        }
        if (config.noOwner()) {
            cmd.add("--no-owner");
        }
        config.schemas().forEach(s -> cmd.add("--schema=" + s));
        config.tables().forEach(t -> cmd.add("--table=" + t));
        try (ClientEnvironment env = ClientEnvironment.create(target, config.password())) {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            env.apply(pb.environment(), config.database());
            Process p = ChildProcess.start(pb);
            StderrTail err = StderrTail.of(p);
            CompletableFuture<Long> feeding = new CompletableFuture<>();
            Thread.ofVirtual().name("feed-pg_restore").start(() -> feed(dump, reader, p, feeding));
            int rc = await(p);
            long bytes = fed(feeding, p);
            List<String> lines = err.lines().stream()
                    .map(l -> config.password() == null ? l : config.password().scrub(l)).toList();
            if (rc != 0) {
                List<String> errors = lines.stream().filter(l -> l.contains("error")).toList();
                if (errors.isEmpty()) {
                    throw PgErrors.ofChild("pg_restore", rc, lines, target);
                }
                errors.stream().limit(20).forEach(l -> warnings.add(l));
                if (errors.size() > 20) {
                    warnings.add("… and " + (errors.size() - 20) + " more pg_restore errors");
                }
            }
            return bytes;
        }
    }

    private static void feed(Node dump, RestoreReader reader, Process p, CompletableFuture<Long> done) {
        try (InputStream in = new ProgressStream(reader.openContent(dump.content()), reader.progress(), "restore",
                dump.name()); OutputStream out = p.getOutputStream()) {
            done.complete(in.transferTo(out));
        } catch (IOException e) {
            // pg_restore stopped reading (it exited); its exit code and messages tell why.
            done.complete(-1L);
        } catch (RuntimeException e) {
            p.destroyForcibly();
            done.completeExceptionally(e);
        }
    }

    private static long fed(CompletableFuture<Long> feeding, Process p) {
        try {
            return feeding.get(1, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LifeboatException le) {
                throw le;
            }
            throw new LifeboatException(ErrorCode.INTERNAL, "feeding pg_restore failed: " + e.getCause(), null, e.getCause());
        } catch (TimeoutException e) {
            p.destroyForcibly();
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "pg_restore exited but its input did not end",
                    "run the restore again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while restoring", null, e);
        }
    }

    private static int await(Process p) {
        try {
            if (!p.waitFor(RESTORE_HOURS, TimeUnit.HOURS)) {
                p.destroyForcibly();
                throw new LifeboatException(ErrorCode.SOURCE_ERROR, "pg_restore did not finish within " + RESTORE_HOURS
                        + " hours; killed it", "see the server log");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while pg_restore ran", null, e);
        }
    }

    /** Counts the rows of every selected recorded table in the restored database. */
    private List<TableCheck> verify(PgConnectionConfig target, List<String> warnings) {
        List<TableCheck> out = new ArrayList<>();
        try (PgSession s = PgSession.connect(target, config.password(), "verifying the restored database")) {
            for (TableCount t : config.recorded().tables()) {
                if (!config.selects(t)) {
                    continue;
                }
                long restored = s.tableExists(t.schema(), t.name()) ? s.countRows(t.schema(), t.name()) : -1;
                TableCheck check = new TableCheck(t.schema(), t.name(), t.rows(), restored);
                out.add(check);
                if (restored < 0) {
                    warnings.add("table " + t.qualified() + " is missing after the restore (" + t.rows() + " rows recorded)");
                } else if (!check.matches()) {
                    warnings.add("table " + t.qualified() + ": " + restored + " rows restored, " + t.rows() + " recorded");
                }
            }
        }
        return out;
    }
}
