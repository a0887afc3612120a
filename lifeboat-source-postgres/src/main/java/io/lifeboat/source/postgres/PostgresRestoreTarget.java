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
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Restores a logical backup with pg_restore, fed from the repository on its stdin (no copy of
 * the dump on disk), into a new database or, with {@code clean}, an existing one; then counts
 * the rows of every restored table and compares them with the counts recorded at backup time.
 * A dump in parts ({@link DumpLayout}) restores in phases, its data parts in parallel
 * ({@link PartsRestore}).
 * A non-empty database is never written without {@code clean}. Thread safe: each call has its
 * own connections and child.
 */
public final class PostgresRestoreTarget implements RestoreTarget {
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
        DumpLayout layout = config.layout();
        Tree tree = layout.single() ? null : reader.loadTree(root);
        Node dump = layout.single() ? dumpNode(root, reader) : null;
        PgConnectionConfig server = config.server();
        PgConnectionConfig target = server.withDatabase(config.database());
        ClientTools tools;
        boolean exists;
        List<String> notes = new ArrayList<>();
        if (layout.single() && config.jobs() > 1) {
            notes.add("snapshot taken without --jobs: its dump is one stream, restored by one pg_restore; back up with "
                    + "--jobs N to restore in parallel");
        }
        int dataParts = layout.dataParts().size();
        int jobs = layout.single() ? 1 : Math.max(1, Math.min(config.jobs(), dataParts));
        try (PgSession admin = PgSession.connect(server, config.password(), "connecting to the restore server")) {
            int serverMajor = admin.facts().serverMajor();
            tools = ClientTools.forServer(config.tools(), Math.max(serverMajor, config.recorded().clientMajor()), "pg_restore");
            exists = admin.databaseExists(config.database());
            if (exists) {
                refuseNonEmpty(target);
            }
            if (config.dryRun()) {
                return new PostgresRestoreReport(server.hostPort(), config.database(), !exists, config.clean(), true,
                        planned(), 0, tools.version(), dataParts, jobs, notes, List.of());
            }
            if (!exists) {
                DumpMetadata rec = config.recorded();
                admin.createDatabase(config.database(), rec.encoding(), rec.collation(), rec.ctype());
            }
        }
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        long bytes;
        try (ClientEnvironment env = ClientEnvironment.create(target, config.password())) {
            PgRestoreRunner runner = new PgRestoreRunner(tools, config, target, env);
            bytes = layout.single() ? runner.run(dump, reader, List.of(), config.clean(), null, warnings)
                    : new PartsRestore(config, runner, target, jobs).run(tree, root, reader, warnings);
        }
        List<TableCheck> checks = verify(target, warnings);
        return new PostgresRestoreReport(server.hostPort(), config.database(), !exists, config.clean(), false, checks,
                bytes, tools.version(), dataParts, jobs, notes, warnings);
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
            int rc = PgRestoreRunner.await(p, "psql (globals)");
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
