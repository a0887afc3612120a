package io.lifeboat.source.postgres;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.source.RestoreReader;
import io.lifeboat.core.tree.Node;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs pg_restore into one database with a dump stream of the snapshot fed to its stdin straight
 * from the repository. Errors pg_restore reports while going on (an object that exists already, a
 * role that is missing) become warnings; a pg_restore that fails without saying why is an error.
 * Thread safe: each {@link #run} has its own child, so the parts of a dump restore concurrently.
 */
final class PgRestoreRunner {
    private static final long RESTORE_HOURS = 48;
    private static final int MAX_WARNINGS = 20;

    private final ClientTools tools;
    private final PostgresRestoreConfig config;
    private final PgConnectionConfig target;
    private final ClientEnvironment env;
    private final AtomicLong progress = new AtomicLong();

    /** @param env the client environment of {@code target} (closed by the caller after every run) */
    PgRestoreRunner(ClientTools tools, PostgresRestoreConfig config, PgConnectionConfig target, ClientEnvironment env) {
        this.tools = tools;
        this.config = config;
        this.target = target;
        this.env = env;
    }

    /**
     * Restores {@code dump} with pg_restore and {@code args} (besides the target, ownership and the
     * table and schema selection, which every run shares); {@code clean} drops objects first.
     *
     * @param label names the stream in warnings and errors ({@code null} for a dump in one stream)
     * @param warnings receives pg_restore's errors (synchronized on)
     * @return the bytes fed to pg_restore (0 when it stopped reading before the end: its exit code tells why)
     */
    long run(Node dump, RestoreReader reader, List<String> args, boolean clean, String label, List<String> warnings) {
        List<String> cmd = new ArrayList<>(List.of(tools.program("pg_restore").toString(), "--format=custom",
                "--no-password", "--dbname=" + PgConnectionConfig.dbnameConninfo(config.database())));
        cmd.addAll(args);
        if (clean) {
            cmd.add("--clean");
            cmd.add("--if-exists");
        }
        if (config.noOwner()) {
            cmd.add("--no-owner");
        }
        config.schemas().forEach(s -> cmd.add("--schema=" + s));
        config.tables().forEach(t -> cmd.add("--table=" + t));
        String what = label == null ? "pg_restore" : "pg_restore (" + label + ")";
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        env.apply(pb.environment(), config.database());
        Process p = ChildProcess.start(pb);
        StderrTail err = StderrTail.of(p);
        CompletableFuture<Long> feeding = new CompletableFuture<>();
        Thread.ofVirtual().name("feed-pg_restore").start(() -> feed(dump, reader, p, feeding));
        int rc = await(p, what);
        long bytes = fed(feeding, p, what);
        List<String> lines = err.lines().stream()
                .map(l -> config.password() == null ? l : config.password().scrub(l)).toList();
        if (rc != 0) {
            List<String> errors = lines.stream().filter(l -> l.contains("error")).toList();
            if (errors.isEmpty()) {
                throw PgErrors.ofChild(what, rc, lines, target);
            }
            if (errors.stream().anyMatch(PgErrors::isDiskFull)) {
                // Not a partial restore to report as warnings: the server cannot take the data at all.
                LifeboatException full = PgErrors.ofChild(what, rc, errors.stream().filter(PgErrors::isDiskFull).toList(), target);
                throw new LifeboatException(full.code(), full.getMessage(), "free disk space on the database server, "
                        + "drop the partly restored database " + config.database() + " (or restore over it with --clean), "
                        + "and run the restore again; the repository is unchanged", full);
            }
            String prefix = label == null ? "" : label + ": ";
            synchronized (warnings) {
                errors.stream().limit(MAX_WARNINGS).forEach(l -> warnings.add(prefix + l));
                if (errors.size() > MAX_WARNINGS) {
                    warnings.add(prefix + "… and " + (errors.size() - MAX_WARNINGS) + " more pg_restore errors");
                }
            }
        }
        return bytes;
    }

    /**
     * The table of contents of a dump stream ({@code pg_restore --list}), one entry per line as
     * {@code --use-list} reads them; comment lines (starting with {@code ;}) left out.
     */
    List<String> list(Node dump, RestoreReader reader) {
        List<String> cmd = List.of(tools.program("pg_restore").toString(), "--format=custom", "--list");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        env.apply(pb.environment(), config.database());
        Process p = ChildProcess.start(pb);
        StderrTail err = StderrTail.of(p);
        CompletableFuture<String> out = new CompletableFuture<>();
        Thread.ofVirtual().name("pg_restore-list").start(() -> {
            try (InputStream in = p.getInputStream()) {
                out.complete(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.completeExceptionally(e);
            }
        });
        CompletableFuture<Long> feeding = new CompletableFuture<>();
        Thread.ofVirtual().name("feed-pg_restore-list").start(() -> feed(dump, reader, p, feeding));
        int rc = await(p, "pg_restore --list");
        fed(feeding, p, "pg_restore --list");
        if (rc != 0) {
            throw PgErrors.ofChild("pg_restore --list", rc, err.lines(), target);
        }
        try {
            return out.get(1, TimeUnit.MINUTES).lines().filter(l -> !l.isBlank() && !l.startsWith(";")).toList();
        } catch (ExecutionException | TimeoutException e) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "reading the table of contents of " + dump.name()
                    + " failed: " + e, "run the restore again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while listing " + dump.name(), null, e);
        }
    }

    private void feed(Node dump, RestoreReader reader, Process p, CompletableFuture<Long> done) {
        try (InputStream in = new ProgressStream(reader.openContent(dump.content()), reader.progress(), "restore",
                config.database(), progress); OutputStream out = p.getOutputStream()) {
            done.complete(in.transferTo(out));
        } catch (IOException e) {
            // pg_restore stopped reading (it exited); its exit code and messages tell why.
            done.complete(0L);
        } catch (RuntimeException e) {
            p.destroyForcibly();
            done.completeExceptionally(e);
        }
    }

    private static long fed(CompletableFuture<Long> feeding, Process p, String what) {
        try {
            return feeding.get(1, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LifeboatException le) {
                throw le;
            }
            throw new LifeboatException(ErrorCode.INTERNAL, "feeding " + what + " failed: " + e.getCause(), null, e.getCause());
        } catch (TimeoutException e) {
            p.destroyForcibly();
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, what + " exited but its input did not end",
                    "run the restore again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while restoring", null, e);
        }
    }

    static int await(Process p, String what) {
        try {
            if (!p.waitFor(RESTORE_HOURS, TimeUnit.HOURS)) {
                p.destroyForcibly();
                throw new LifeboatException(ErrorCode.SOURCE_ERROR, what + " did not finish within " + RESTORE_HOURS
                        + " hours; killed it", "see the server log");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while " + what + " ran", null, e);
        }
    }
}
