package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the physical-backup tests need around the clusters they run as the {@code postgres} OS
 * user: commands run as that user, files handed to it, free ports, waiting for a restored
 * server's promotion, and cleanup that never fails a test.
 */
final class PostgresOsSupport {
    static final String RUN_AS = "postgres";

    private PostgresOsSupport() {}

    static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CLI jar, absolute: commands run in other working directories. */
    static Path jar() {
        return CliProcess.jar().toAbsolutePath();
    }

    /**
     * A process for {@code cmd} as the server's OS user when the tests run as root (with that
     * user's HOME, USER and LOGNAME), stdin empty, no inherited LIFEBOAT_ or PG variables.
     * setpriv execs the command itself, so the process is the command and signals reach it:
     * runuser stays as a parent that stops itself when its child is stopped and is never resumed
     * when the child is continued and exits, which left runs hanging on a shared machine.
     */
    static ProcessBuilder asServerUser(List<String> cmd) {
        List<String> full = new ArrayList<>();
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            full.addAll(List.of("setpriv", "--reuid=" + RUN_AS, "--regid=" + RUN_AS, "--init-groups", "--"));
        }
        full.addAll(cmd);
        ProcessBuilder pb = new ProcessBuilder(full).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("LIFEBOAT_") || k.startsWith("PG"));
        if (root) {
            pb.environment().putAll(Map.of("HOME", "/var/lib/postgresql", "USER", RUN_AS, "LOGNAME", RUN_AS));
        }
        return pb;
    }

    /** Starts {@code cmd} as the server's OS user (see {@link #asServerUser}) with {@code env} added. */
    static Process runAs(List<String> cmd, Map<String, String> env) throws IOException {
        ProcessBuilder pb = asServerUser(cmd);
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs {@code cmd} as the server's OS user, failing the test (with its output) unless it exits 0 in 4 minutes. */
    static void asPostgres(List<String> cmd) throws IOException, InterruptedException {
        Process p = asServerUser(cmd).redirectErrorStream(true).start();
        byte[] out = readAll(p.getInputStream());
        assertThat(p.waitFor(4, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + new String(out, StandardCharsets.UTF_8)).isZero();
    }

    /** Waits up to {@code timeout} for {@code p} (started at {@code start}) running {@code args}, capturing what it printed. */
    static CliResult finish(Process p, List<String> args, Instant start, Duration timeout) throws InterruptedException {
        byte[][] got = new byte[2][];
        Thread o = Thread.ofVirtual().start(() -> got[0] = readAll(p.getInputStream()));
        Thread e = Thread.ofVirtual().start(() -> got[1] = readAll(p.getErrorStream()));
        assertThat(p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as(String.join(" ", args) + " finished").isTrue();
        o.join();
        e.join();
        return new CliResult(args, p.exitValue(), new String(got[0], StandardCharsets.UTF_8),
                new String(got[1], StandardCharsets.UTF_8), Duration.between(start, Instant.now()));
    }

    /** Gives {@code p} to the {@code postgres} user and group when the tests run as root. */
    static void chown(Path p) throws IOException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return;
        }
        var users = p.getFileSystem().getUserPrincipalLookupService();
        var view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        view.setOwner(users.lookupPrincipalByName(RUN_AS));
        view.setGroup(users.lookupPrincipalByGroupName(RUN_AS));
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the server behind {@code st} has left recovery, failing after {@code timeout}. */
    static void awaitPromotion(Statement st, String name, Duration timeout) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return;
                }
            }
            assertThat(System.nanoTime()).as("promotion of " + name).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** Deletes a tree if it exists; a failure is printed, not thrown (cleanup must not hide a test's result). */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("warning: cannot delete " + dir + ": " + e.getMessage());
        }
    }
}
