package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long-running CLI command ({@code serve}, {@code wal receive}) in the background as the
 * server's OS user, its stdout and stderr captured as they come. The process is the JVM itself
 * ({@link PostgresOsSupport#runAs} execs it), so SIGKILL and SIGTERM reach the command directly.
 */
final class BackgroundCli {
    private final String name;
    private final Process process;
    private final List<String> args;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread outReader;
    private final Thread errReader;
    private final Instant started = Instant.now();

    private BackgroundCli(String name, Process process, List<String> args) {
        this.name = name;
        this.process = process;
        this.args = args;
        outReader = Thread.ofVirtual().start(() -> copy(process.getInputStream(), out));
        errReader = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), err));
    }

    /** Starts {@code lifeboat args} against the cluster's repository; {@code name} labels failure messages. */
    static BackgroundCli start(String name, WalTestCluster cluster, List<String> args) throws IOException {
        return new BackgroundCli(name, PostgresOsSupport.runAs(cluster.command(args), cluster.environment()), List.copyOf(args));
    }

    /** Waits up to 90 s for {@code text} in the output; fails at once if the process ended. */
    void awaitOutput(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!output().contains(text)) {
            assertThat(process.isAlive()).as(name + " runs: " + output()).isTrue();
            assertThat(System.nanoTime()).as(name + " prints '" + text + "': " + output()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Everything printed so far, stdout then stderr. */
    synchronized String output() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    /** SIGKILL: no shutdown, no cleanup. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGTERM, then waits for it to finish and returns all it printed. The signal goes through the
     * process handle: {@link Process#destroy()} would also close our ends of its pipes and lose
     * what it prints while stopping.
     */
    CliResult terminate() throws InterruptedException {
        process.toHandle().destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(name + " stops on SIGTERM").isTrue();
        outReader.join();
        errReader.join();
        return new CliResult(args, process.exitValue(), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8), Duration.between(started, Instant.now()));
    }

    private void copy(InputStream in, ByteArrayOutputStream to) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (this) {
                    to.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // The process ended.
        }
    }
}
