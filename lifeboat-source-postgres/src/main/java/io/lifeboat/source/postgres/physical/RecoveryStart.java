package io.lifeboat.source.postgres.physical;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts a restored data directory with {@code pg_ctl} and waits until point-in-time recovery
 * has ended, judged by {@code pg_controldata} (no connection needed): "in production" after
 * {@code promote}, "shut down…" after {@code shutdown}, and for {@code pause} the server log's
 * "pausing at the end of recovery". Runs as the current OS user, which must own the directory
 * (PostgreSQL refuses root). The server log goes to {@code lifeboat-recovery.log} in the data
 * directory.
 *
 * @param bin the directory of pg_ctl and pg_controldata of the backup's major version
 */
public record RecoveryStart(Path bin, Path dataDir, int port, String action, Duration timeout) {
    private static final Pattern STATE = Pattern.compile("Database cluster state:\\s+(.+)");
    private static final Pattern TIMELINE = Pattern.compile("Latest checkpoint's TimeLineID:\\s+(\\d+)");

    /** How recovery ended: the control file's state and timeline, and how long it took. */
    public record Result(String state, int timeline, Duration took) {}

    public Result run() {
        if ("root".equals(System.getProperty("user.name"))) {
            throw new LifeboatException(ErrorCode.REFUSED, "PostgreSQL does not run as root: --start cannot start "
                    + dataDir, "run 'lifeboat restore postgres … --start' as the server's OS user (e.g. sudo -u postgres), "
                    + "or chown the directory to it and start it with pg_ctl");
        }
        long start = System.nanoTime();
        Path log = dataDir.resolve("lifeboat-recovery.log");
        exec(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", log.toString(), "-s", "-o",
                "-p " + port, "start"), Duration.ofMinutes(2));
        long deadline = start + timeout.toNanos();
        while (true) {
            String control = exec(List.of(bin.resolve("pg_controldata").toString(), dataDir.toString()), Duration.ofMinutes(1));
            String state = group(STATE, control);
            String serverLog = read(log);
            boolean done = switch (action) {
                case "promote" -> state.equals("in production");
                case "shutdown" -> state.startsWith("shut down");
                default -> serverLog.contains("pausing at the end of recovery");
            };
            if (done) {
                return new Result(state, Integer.parseInt(group(TIMELINE, control)), Duration.ofNanos(System.nanoTime() - start));
            }
            if (!Files.exists(dataDir.resolve("postmaster.pid")) && !action.equals("shutdown")) {
                throw failed("the server stopped during recovery", serverLog);
            }
            if (System.nanoTime() > deadline) {
                throw failed("recovery did not end within " + timeout.toSeconds() + " s (state: " + state + ")", serverLog);
            }
            sleep();
        }
    }

    private LifeboatException failed(String what, String serverLog) {
        List<String> lines = serverLog.lines().toList();
        String tail = String.join("\n  ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        return new LifeboatException(ErrorCode.SOURCE_ERROR, dataDir + ": " + what + "; last lines of "
                + dataDir.resolve("lifeboat-recovery.log") + ":\n  " + tail,
                "a target after the end of the archive makes recovery fail ('recovery ended before configured recovery "
                        + "target was reached'): choose an earlier target or check 'lifeboat wal status'");
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1).strip() : "";
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while waiting for recovery", null, e);
        }
    }

    private static String exec(List<String> cmd, Duration limit) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("LC_ALL", "C");
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new LifeboatException(ErrorCode.SOURCE_ERROR, cmd.getFirst() + " did not finish in time", null);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new LifeboatException(ErrorCode.SOURCE_ERROR, String.join(" ", cmd) + " failed (exit "
                        + p.exitValue() + "): " + text.strip(), "see the server log in the data directory");
            }
            return text;
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "cannot run " + cmd.getFirst() + ": " + e.getMessage(),
                    "install the PostgreSQL server programs of the backup's version, or pass --pg-bin", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while running " + cmd.getFirst(), null, e);
        }
    }
}
