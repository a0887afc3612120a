package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.engine.restore.Restore;
import io.lifeboat.engine.restore.RestoreResult;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.snapshot.Snapshot;
import io.lifeboat.source.postgres.PostgresPhysicalSource;
import io.lifeboat.source.postgres.physical.Lsn;
import io.lifeboat.source.postgres.physical.PhysicalRestoreTarget;
import io.lifeboat.source.postgres.physical.RecoveryStart;
import io.lifeboat.source.postgres.physical.RecoveryTarget;
import io.lifeboat.source.postgres.ClientTools;
import io.lifeboat.source.postgres.PasswordLookup;
import io.lifeboat.source.postgres.PgConnectionConfig;
import io.lifeboat.source.postgres.RecoveryVerification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lifeboat restore postgres --data-dir D [--target-…]}: writes a physical base backup into
 * a new data directory and configures point-in-time recovery from the repository's WAL archive.
 * Without {@code --snapshot} it picks the newest base backup that ends before the target.
 */
@Command(name = "postgres", description = {
        "Restore a PostgreSQL physical base backup into a new data directory and configure point-in-time recovery from the WAL archive (recovery.signal, restore_command, recovery_target_*).",
        "Start the server afterwards (pg_ctl -D DIR start, as the server's OS user); it replays WAL up to the target."})
final class RestorePostgresCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "The new data directory (absent or empty).")
    Path dataDir;

    @Option(names = "--snapshot", paramLabel = "ID", description = "The base backup to restore. Default: the newest one that ends before the target.")
    String snapshot;

    @Option(names = "--target-time", paramLabel = "TIME", description = "Recover up to this time, with a zone: '2026-11-30 20:15:03.25+00' or ISO-8601.")
    String targetTime;

    @Option(names = "--target-lsn", paramLabel = "LSN", description = "Recover up to this WAL position (X/Y).")
    String targetLsn;

    @Option(names = "--target-xid", paramLabel = "XID", description = "Recover up to this transaction id.")
    String targetXid;

    @Option(names = "--target-name", paramLabel = "NAME", description = "Recover up to this restore point (pg_create_restore_point).")
    String targetName;

    @Option(names = "--target", paramLabel = "immediate", description = "'immediate': stop as soon as the base backup is consistent.")
    String target;

    @Option(names = "--target-exclusive", description = "Stop just before the target instead of just after it (recovery_target_inclusive = off).")
    boolean exclusive;

    @Option(names = "--target-action", paramLabel = "ACTION", defaultValue = "promote", description = "pause, promote or shutdown when the target is reached (default: ${DEFAULT-VALUE}).")
    String action;

    @Option(names = "--target-timeline", paramLabel = "TL", defaultValue = "latest", description = "latest, current or a timeline number (default: ${DEFAULT-VALUE}).")
    String timeline;

    @Option(names = "--restore-command", paramLabel = "CMD", description = "The restore_command to configure. Default: this lifeboat's Java and jar, 'wal fetch' with this --repo and --password-file.")
    String restoreCommand;

    @Option(names = "--no-archive", description = "Set archive_mode = off in the restored server, so that it does not archive into the repository of the original (restore drills, tests). Without it, a promoted server archives its new timeline there.")
    boolean noArchive;

    @Option(names = "--start", description = "Start the restored server with pg_ctl (as the current OS user, which must not be root) on --port and wait until recovery has ended (pg_controldata).")
    boolean start;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "5432", description = "--start: the port of the restored server (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--start-timeout", paramLabel = "DURATION", defaultValue = "1h", description = "--start: how long recovery may take (default: ${DEFAULT-VALUE}).")
    String startTimeout;

    @Option(names = "--pg-bin", paramLabel = "DIR", description = "--start: directory of pg_ctl and pg_controldata. Default: $LIFEBOAT_PG_BIN, else /usr/lib/postgresql/<major>/bin.")
    Path pgBin;

    @Option(names = "--no-verify", description = "--start: skip the verification (pg_verifybackup before the start; a query and amcheck on every B-tree index once recovery has ended).")
    boolean noVerify;

    @Option(names = "--verify-user", paramLabel = "USER", defaultValue = "postgres", description = "--start: the database user that verifies the restored server over 127.0.0.1:PORT (default: ${DEFAULT-VALUE}); its password comes from --pg-password-file, PGPASSWORD or ~/.pgpass.")
    String verifyUser;

    @Option(names = "--pg-password-file", paramLabel = "FILE", description = "--start: read the password of --verify-user from FILE (first line).")
    Path pgPasswordFile;

    /** The verification's findings, when it ran. */
    private record Verified(RecoveryVerification.FileCheck files, RecoveryVerification.Server server, String skipped,
            long millis) {
        boolean ok() {
            return (files == null || files.ok()) && (server == null || server.ok());
        }
    }

    RestorePostgresCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        RecoveryTarget recovery = recoveryTarget();
        Optional<Instant> time = Optional.ofNullable(targetTime).map(RestorePostgresCommand::parseTime);
        String command = restoreCommand != null ? restoreCommand : defaultRestoreCommand();
        ProgressListener progress = ctx.progress(options);
        RestoreResult result;
        try (Repository repo = ctx.open(options)) {
            Snapshot base = pick(repo, recovery, time);
            PhysicalRestoreTarget t = new PhysicalRestoreTarget(dataDir.toAbsolutePath().normalize(), recovery, command,
                    noArchive ? List.of("archive_mode = 'off'") : List.of());
            result = new Restore(repo).run(base.id().hex(), Optional.of(PostgresPhysicalSource.KIND), t, progress);
        } finally {
            CliContext.finishProgress(progress);
        }
        RecoveryStart.Result started = null;
        Verified verified = null;
        if (start) {
            Path bin = serverBin(result.snapshot());
            Path dir = dataDir.toAbsolutePath().normalize();
            long verifyStart = System.nanoTime();
            RecoveryVerification.FileCheck files = noVerify ? null : RecoveryVerification.verifyFiles(bin, dir);
            long filesNanos = System.nanoTime() - verifyStart;
            if (files != null && files.ran() && !files.ok()) {
                throw new LifeboatException(ErrorCode.DAMAGED_DATA, "pg_verifybackup found restored files of base backup "
                        + result.snapshot().id().shortHex() + " in " + dir + " that differ from its backup_manifest: "
                        + files.detail(), "the server was not started; run 'lifeboat check --read-data' and restore "
                        + "another base backup (--snapshot)");
            }
            started = new RecoveryStart(bin, dir, port, action, Durations.parse(startTimeout, "--start-timeout")).run();
            try {
                new WalSpool(dir).remove();
            } catch (IOException e) {
                ctx.err.println("warning: cannot remove the WAL prefetched for recovery in " + new WalSpool(dir).directory()
                        + ": " + e.getMessage());
            }
            if (!noVerify) {
                long serverStart = System.nanoTime();
                Verified v = verifyServer(files);
                verified = new Verified(v.files(), v.server(), v.skipped(), (filesNanos + System.nanoTime() - serverStart) / 1_000_000);
            }
        }
        render(result, recovery, started, verified);
        return verified != null && !verified.ok() ? ErrorCode.DAMAGED_DATA.exitCode() : 0;
    }

    private Path serverBin(Snapshot s) {
        int major = s.metadata().get("server_version_num") instanceof Number n ? n.intValue() / 10000 : 0;
        String fromEnv = ctx.env.get("LIFEBOAT_PG_BIN");
        Path bin = pgBin != null ? pgBin : fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : null;
        return ClientTools.forServer(new ClientTools.Config(bin, ClientTools.DEBIAN_ROOT), major, "pg_ctl").bin();
    }

    /** The query and amcheck; the duration is filled in by the caller. */
    private Verified verifyServer(RecoveryVerification.FileCheck files) {
        if (!action.equals("promote")) {
            return new Verified(files, null, "the server does not accept writes after --target-action " + action
                    + ": no query or amcheck", 0);
        }
        PgConnectionConfig c = new PgConnectionConfig("127.0.0.1", port, verifyUser, "postgres", Map.of());
        return new Verified(files, RecoveryVerification.verifyServer(c,
                PasswordLookup.find(pgPasswordFile, c, ctx.env).orElse(null)), null, 0);
    }

    private RecoveryTarget recoveryTarget() {
        List<String> given = new ArrayList<>();
        RecoveryTarget.Kind kind = RecoveryTarget.Kind.NONE;
        String value = null;
        if (targetTime != null) { given.add("--target-time"); kind = RecoveryTarget.Kind.TIME; value = targetTime; }
        if (targetLsn != null) { given.add("--target-lsn"); kind = RecoveryTarget.Kind.LSN; value = targetLsn; }
        if (targetXid != null) { given.add("--target-xid"); kind = RecoveryTarget.Kind.XID; value = targetXid; }
        if (targetName != null) { given.add("--target-name"); kind = RecoveryTarget.Kind.NAME; value = targetName; }
        if (target != null) {
            if (!target.equals("immediate")) {
                throw new LifeboatException(ErrorCode.USAGE, "--target takes only 'immediate'",
                        "use --target-time, --target-lsn, --target-xid or --target-name for other targets");
            }
            given.add("--target");
            kind = RecoveryTarget.Kind.IMMEDIATE;
            value = null;
        }
        if (given.size() > 1) {
            throw new LifeboatException(ErrorCode.USAGE, "more than one recovery target: " + String.join(", ", given),
                    "PostgreSQL stops at one target: give only one of them");
        }
        try {
            return new RecoveryTarget(kind, value, !exclusive, action, timeline);
        } catch (IllegalArgumentException e) {
            throw new LifeboatException(ErrorCode.USAGE, e.getMessage(), "see 'lifeboat restore postgres --help'");
        }
    }

    /** The newest physical backup that ends before the target (any target that is not a time or LSN: the newest). */
    private Snapshot pick(Repository repo, RecoveryTarget recovery, Optional<Instant> time) {
        if (snapshot != null) {
            return repo.findSnapshot(snapshot, Optional.of(PostgresPhysicalSource.KIND));
        }
        Predicate<Snapshot> before = s -> true;
        String what = "";
        if (time.isPresent()) {
            before = s -> s.metadata().get("stop_time") instanceof String t && !Instant.parse(t).isAfter(time.get());
            what = " that ends before " + targetTime;
        } else if (recovery.kind() == RecoveryTarget.Kind.LSN) {
            Lsn lsn = Lsn.parse(targetLsn);
            before = s -> s.metadata().get("stop_lsn") instanceof String l && Lsn.parse(l).compareTo(lsn) <= 0;
            what = " that ends before " + targetLsn;
        }
        Predicate<Snapshot> fits = before;
        String missing = what;
        return repo.snapshots().stream()
                .filter(s -> s.sourceKind().equals(PostgresPhysicalSource.KIND))
                .filter(fits)
                .reduce((a, b) -> b)
                .orElseThrow(() -> new LifeboatException(ErrorCode.NOT_FOUND, "no PostgreSQL base backup" + missing,
                        "take one with 'lifeboat backup postgres --mode physical'; list them with 'lifeboat snapshots'"));
    }

    /** PostgreSQL's timestamp syntax or ISO-8601, with an explicit zone (the server's zone is unknown here). */
    static Instant parseTime(String text) {
        String iso = text.strip().replaceFirst(" ", "T").replace(" ", "");
        if (iso.matches(".*[+-]\\d\\d")) {
            iso = iso + ":00";
        }
        if (iso.endsWith("UTC")) {
            iso = iso.substring(0, iso.length() - 3) + "Z";
        }
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
            throw new LifeboatException(ErrorCode.USAGE, "cannot read --target-time '" + text + "'",
                    "give a time with its zone, e.g. '2026-11-30 20:15:03.25+00' or 2026-11-30T20:15:03Z");
        }
    }

    /** {@code java -jar lifeboat.jar wal fetch …} with this process's Java, jar, repository and password file. */
    private String defaultRestoreCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar;
        try {
            jar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            throw new LifeboatException(ErrorCode.USAGE, "cannot tell where the lifeboat jar is",
                    "pass --restore-command 'lifeboat wal fetch --repo … --password-file … %f %p'");
        }
        String repo = ctx.repositoryLocation(options);
        if (!repo.contains("://")) {
            repo = Path.of(repo).toAbsolutePath().normalize().toString();
        }
        List<String> parts = new ArrayList<>(List.of(sh(java)));
        quickStartOptions(Path.of(jar).getParent(), repo.startsWith("s3://")).forEach(o -> parts.add(sh(o)));
        parts.addAll(List.of("-jar", sh(jar), "wal", "fetch", "--quiet", "--repo", sh(repo)));
        Path pf = options.passwordFile != null ? options.passwordFile
                : ctx.env.get("LIFEBOAT_PASSWORD_FILE") != null ? Path.of(ctx.env.get("LIFEBOAT_PASSWORD_FILE")) : null;
        if (pf != null) {
            parts.add("--password-file");
            parts.add(sh(pf.toAbsolutePath().normalize().toString()));
        } else {
            ctx.err.println("warning: restore_command gets no password file: the server must have LIFEBOAT_PASSWORD in its "
                    + "environment; pass --password-file FILE (readable by the server's OS user) instead");
        }
        parts.add("%f");
        parts.add("%p");
        return String.join(" ", parts);
    }

    /**
     * The JVM options the launcher gives a command, for a JVM that starts once per WAL segment:
     * compile only what is really hot, the serial collector, no hsperfdata file, and, when the
     * build left them beside the jar, zstd's library and the start-up cache (the S3 one for an
     * s3:// repository). A cache that is stale or unreadable by the server's OS user is ignored.
     */
    static List<String> quickStartOptions(Path jarDir, boolean s3) {
        List<String> options = new ArrayList<>(List.of("-XX:CompileThresholdScaling=5", "-XX:+UseSerialGC",
                "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED"));
        if (jarDir == null) {
            return options;
        }
        Path cache = jarDir.resolve(s3 ? "lifeboat-s3.aot" : "lifeboat.aot");
        if (Runtime.version().feature() >= 25 && Files.isReadable(cache)) {
            options.addAll(List.of("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off"));
        }
        String arch = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "aarch64";
            default -> null;
        };
        Path nativeDir = arch == null ? null : jarDir.resolve("native/linux/" + arch);
        if (nativeDir != null && Files.isDirectory(nativeDir)) {
            try (var libs = Files.list(nativeDir)) {
                libs.filter(f -> f.getFileName().toString().startsWith("libzstd-jni-") && f.toString().endsWith(".so"))
                        .findFirst().ifPresent(so -> options.add("-DZstdNativePath=" + so));
            } catch (IOException e) {
                // without it zstd unpacks its library itself, as before
            }
        }
        return options;
    }

    private static String sh(String s) {
        return s.matches("[A-Za-z0-9_./:=@+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    private static Map<String, Object> json(Verified v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", v.ok());
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ran", v.files() != null && v.files().ran());
        f.put("ok", v.files() == null || v.files().ok());
        f.put("detail", v.files() == null ? "" : v.files().detail());
        m.put("pg_verifybackup", f);
        if (v.server() != null) {
            m.put("server_version", v.server().version());
            m.put("databases", v.server().databases());
            m.put("indexes_checked", v.server().indexes());
            m.put("amcheck", v.server().amcheck().stream().map(d -> Map.of("database", d.database(), "indexes", d.indexes(),
                    "errors", d.errors())).toList());
        }
        m.put("skipped", v.skipped());
        m.put("duration_ms", v.millis());
        return m;
    }

    private void renderVerification(Verified v) {
        if (v.files() != null) {
            ctx.out.printf("  pg_verifybackup: %s%n", v.files().ran() ? (v.files().ok() ? "passed" : "FAILED: " + v.files().detail())
                    : "does not apply: " + v.files().detail());
        }
        if (v.skipped() != null) {
            ctx.out.println("  verification: " + v.skipped());
        }
        if (v.server() != null) {
            ctx.out.printf("  query: PostgreSQL %s, %d databases; amcheck: %d B-tree indexes in %d databases %s%n",
                    v.server().version(), v.server().databases(), v.server().indexes(), v.server().amcheck().size(),
                    v.server().ok() ? "passed" : "FAILED");
            ctx.out.printf("  verification took %.1fs%n", v.millis() / 1000.0);
            v.server().amcheck().forEach(d -> d.errors().forEach(e -> ctx.out.println("  damaged: " + d.database() + ": " + e)));
        }
        if (!v.ok()) {
            ctx.err.println("hint: the restored server is running on port " + port + "; inspect it, or restore another base "
                    + "backup (--snapshot) and check the repository with 'lifeboat check --read-data'");
        }
    }

    private void render(RestoreResult r, RecoveryTarget recovery, RecoveryStart.Result started, Verified verified) {
        Map<String, Object> md = r.snapshot().metadata();
        if (options.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("snapshot", r.snapshot().id().hex());
            m.put("source", PostgresPhysicalSource.KIND);
            m.put("data_dir", dataDir.toAbsolutePath().normalize().toString());
            m.put("start_lsn", md.get("start_lsn"));
            m.put("stop_lsn", md.get("stop_lsn"));
            m.put("files", r.outcome().files());
            m.put("bytes_written", r.outcome().bytesWritten());
            m.put("recovery_settings", recovery.settings("…"));
            m.put("duration_ms", r.durationMillis());
            m.put("started", started == null ? null : Map.of("state", started.state(), "timeline", started.timeline(),
                    "recovery_ms", started.took().toMillis(), "port", port));
            m.put("verification", verified == null ? null : json(verified));
            Output.json(ctx.out, m);
            return;
        }
        ctx.out.printf("restored base backup %s (system %s, WAL %s to %s) into %s%n", r.snapshot().id().shortHex(),
                md.get("system_identifier"), md.get("start_lsn"), md.get("stop_lsn"), dataDir.toAbsolutePath().normalize());
        ctx.out.printf("  %d files, %s; recovery: %s%n", r.outcome().files(), Sizes.human(r.outcome().bytesWritten()),
                String.join(", ", recovery.settings("…").subList(1, recovery.settings("…").size())));
        if (started != null) {
            ctx.out.printf("  server started on port %d: recovery ended after %.1fs, state '%s', timeline %d%n", port,
                    started.took().toMillis() / 1000.0, started.state(), started.timeline());
            if (verified != null) {
                renderVerification(verified);
            }
        } else {
            ctx.out.printf("  next: chown -R the directory to the server's OS user, then pg_ctl -D %s start%n",
                    dataDir.toAbsolutePath().normalize());
        }
    }
}
