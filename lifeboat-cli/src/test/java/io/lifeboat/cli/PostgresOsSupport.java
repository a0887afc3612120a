package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What the physical-backup tests need around the clusters they run as the {@code postgres} OS
 * user: files handed to that user, free ports, waiting for a restored server's promotion, and
 * cleanup that never fails a test.
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
