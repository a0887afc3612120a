package io.lifeboat.cli;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the shaded CLI jar in a child JVM, the way a script or a cron job does: the password comes
 * from {@code LIFEBOAT_PASSWORD}, stdin is {@code /dev/null} (no terminal, so no prompt and no
 * progress bar), the locale is {@code C.UTF-8}. Every call starts a fresh JVM, so a test sees
 * exactly what a user sees: exit code, stdout, stderr.
 *
 * <p>Immutable; the {@code with…} methods return a changed copy. The jar comes from the system
 * property {@code lifeboat.jar} (set by failsafe in lifeboat-cli/pom.xml), else
 * {@code target/lifeboat.jar}. Inherited {@code LIFEBOAT_*} and {@code JAVA_TOOL_OPTIONS}-style
 * variables are removed so the developer's shell cannot change the outcome.
 */
final class CliProcess {
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    private static final List<String> INHERITED_NOISE = List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS",
            "JDK_JAVA_OPTIONS", "LIFEBOAT_JAVA_OPTS");

    /** The {@code --repo} argument: a directory path or a URL such as {@code s3://bucket/prefix}. */
    private final String repository;
    private final Map<String, String> env;
    private final List<String> jvmOptions;
    private final Duration timeout;

    private CliProcess(String repository, Map<String, String> env, List<String> jvmOptions, Duration timeout) {
        this.repository = repository;
        this.env = Map.copyOf(env);
        this.jvmOptions = List.copyOf(jvmOptions);
        this.timeout = timeout;
    }

    /** Commands against {@code repository} (passed as {@code --repo}), opened with {@code password}. */
    static CliProcess forRepository(Path repository, String password) {
        return forLocation(repository.toString(), password);
    }

    /** Commands against a repository location such as {@code s3://bucket/prefix}. */
    static CliProcess forLocation(String repository, String password) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LC_ALL", "C.UTF-8");
        env.put("LIFEBOAT_PROGRESS", "0");
        env.put("LIFEBOAT_PASSWORD", password);
        return new CliProcess(repository, env, List.of(), DEFAULT_TIMEOUT);
    }

    /** Sets an environment variable of the child; {@code null} removes it. */
    CliProcess withEnv(String name, String value) {
        Map<String, String> changed = new LinkedHashMap<>(env);
        if (value == null) {
            changed.remove(name);
        } else {
            changed.put(name, value);
        }
        return new CliProcess(repository, changed, jvmOptions, timeout);
    }

    /** Sets several environment variables of the child. */
    CliProcess withEnv(Map<String, String> variables) {
        CliProcess p = this;
        for (Map.Entry<String, String> e : variables.entrySet()) {
            p = p.withEnv(e.getKey(), e.getValue());
        }
        return p;
    }

    /** The same commands against another repository location. */
    CliProcess withLocation(String location) {
        return new CliProcess(location, env, jvmOptions, timeout);
    }

    /** JVM options for the child, e.g. {@code -Xmx256m}, placed before {@code -jar}. */
    CliProcess withJvmOptions(String... options) {
        return new CliProcess(repository, env, List.of(options), timeout);
    }

    CliProcess withTimeout(Duration t) {
        return new CliProcess(repository, env, jvmOptions, t);
    }

    /** The repository directory (for tests of local repositories). */
    Path repository() {
        return Path.of(repository);
    }

    String location() {
        return repository;
    }

    /** Runs {@code lifeboat ARGS --repo REPOSITORY} to the end (or fails the test at the timeout). */
    CliResult run(String... args) {
        return start(args).await(timeout);
    }

    /** Runs {@code lifeboat ARGS} without {@code --repo}, for commands that take none ({@code demo}). */
    CliResult runWithoutRepository(String... args) {
        return start(false, args).await(timeout);
    }

    /** Starts {@code lifeboat ARGS --repo REPOSITORY} and returns at once. */
    Running start(String... args) {
        return start(true, args);
    }

    private Running start(boolean withRepository, String... args) {
        List<String> cliArgs = new ArrayList<>(List.of(args));
        if (withRepository) {
            cliArgs.add("--repo");
            cliArgs.add(repository.toString());
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(cliArgs);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> childEnv = pb.environment();
        childEnv.keySet().removeIf(k -> k.startsWith("LIFEBOAT_") || INHERITED_NOISE.contains(k));
        childEnv.putAll(env);
        try {
            return new Running(cliArgs, pb.start(), System.nanoTime());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Where {@code restore --target T} puts the snapshot path {@code original}: {@code /a/b} → {@code T/a/b}. */
    static Path restoredLocation(Path target, Path original) {
        Path absolute = original.toAbsolutePath();
        return target.resolve(absolute.getRoot().relativize(absolute).toString());
    }

    /** The CLI jar under test. */
    static Path jar() {
        String configured = System.getProperty("lifeboat.jar");
        Path jar = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of("target", "lifeboat.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("CLI jar " + jar.toAbsolutePath() + " is missing; run "
                    + "'./mvnw -pl lifeboat-cli -am verify' (the jar is built in the package phase)");
        }
        return jar;
    }

    /** A started CLI process; stdout and stderr are drained on virtual threads so it never blocks. */
    static final class Running {
        private final List<String> args;
        private final Process process;
        private final long startNanos;
        private final CompletableFuture<byte[]> stdout;
        private final CompletableFuture<byte[]> stderr;

        private Running(List<String> args, Process process, long startNanos) {
            this.args = args;
            this.process = process;
            this.startNanos = startNanos;
            this.stdout = drain(process.getInputStream());
            this.stderr = drain(process.getErrorStream());
        }

        boolean isAlive() {
            return process.isAlive();
        }

        long pid() {
            return process.pid();
        }

        /** Whether the process exits within {@code wait}; returns as soon as it does. */
        boolean exitsWithin(Duration wait) {
            try {
                return process.waitFor(wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException("interrupted while waiting for lifeboat " + args, e);
            }
        }

        /** Waits for the exit; at the timeout kills the process and fails with what it printed. */
        CliResult await(Duration timeout) {
            boolean exited;
            try {
                exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException("interrupted while waiting for lifeboat " + args, e);
            }
            if (!exited) {
                CliResult partial = kill();
                throw new AssertionError("lifeboat " + String.join(" ", args) + " did not finish within " + timeout
                        + "; killed it\n" + partial.describe());
            }
            return collect(process.exitValue());
        }

        /** SIGKILL, as {@code kill -9} or a power cut would: no shutdown hooks, no cleanup. */
        CliResult kill() {
            process.destroyForcibly();
            try {
                if (!process.waitFor(1, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("lifeboat pid " + process.pid() + " survived SIGKILL for a minute");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while killing lifeboat " + args, e);
            }
            return collect(process.exitValue());
        }

        private CliResult collect(int exitCode) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
            return new CliResult(args, exitCode, text(stdout), text(stderr), elapsed);
        }

        private static String text(CompletableFuture<byte[]> stream) {
            try {
                return new String(stream.get(1, TimeUnit.MINUTES), StandardCharsets.UTF_8);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the output of lifeboat", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("cannot read the output of lifeboat", e);
            }
        }

        private static CompletableFuture<byte[]> drain(InputStream in) {
            CompletableFuture<byte[]> result = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                try (in) {
                    in.transferTo(buffer);
                    result.complete(buffer.toByteArray());
                } catch (IOException e) {
                    result.completeExceptionally(e);
                }
            });
            return result;
        }
    }
}
