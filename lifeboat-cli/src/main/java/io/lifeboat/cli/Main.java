package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.storage.RetryingStorage;
import io.lifeboat.core.storage.RetryingStorageConfig;
import io.lifeboat.core.storage.StorageFactory;
import io.lifeboat.core.storage.StorageRegistry;
import io.lifeboat.repository.ClientContext;
import io.lifeboat.storage.local.LocalStorageFactory;
import io.lifeboat.storage.s3.S3StorageFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;

/** The entry point: wires adapters, runs one command, maps failures to documented exit codes. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // The key derivation starts first: the rest of the context (the host, the time zone, the
        // console) took about 30 ms of a cold start before it.
        Map<String, String> env = System.getenv();
        StorageRegistry storages = defaultStorages(env);
        EarlyUnlock early = EarlyUnlock.start(env, storages, args);
        CliContext ctx = new CliContext(env, System.console(), System.out, System.err, storages, ClientContext.system(),
                version());
        System.exit(run(ctx, early, args));
    }

    /**
     * Every storage adapter, each wrapped in {@link RetryingStorage}. S3 gets more attempts and
     * longer waits than a local disk: object stores throttle (503 SlowDown) for seconds at a time
     * and ask clients to back off, while a local disk either recovers at once or not at all.
     */
    static StorageRegistry defaultStorages(Map<String, String> env) {
        return new StorageRegistry(List.of(
                retrying(new S3StorageFactory(env), s3Retries(env)),
                retrying(new LocalStorageFactory(), RetryingStorageConfig.defaults())));
    }

    /** 8 attempts, 0.5 s doubling to 20 s: up to about a minute of waiting in all. */
    static final RetryingStorageConfig S3_RETRIES =
            new RetryingStorageConfig(8, java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(20));

    /** {@link #S3_RETRIES}, with the number of attempts from {@code LIFEBOAT_S3_MAX_ATTEMPTS} when set. */
    static RetryingStorageConfig s3Retries(Map<String, String> env) {
        String attempts = env.get("LIFEBOAT_S3_MAX_ATTEMPTS");
        if (attempts == null || attempts.isBlank()) {
            return S3_RETRIES;
        }
        try {
            return S3_RETRIES.withMaxAttempts(Integer.parseInt(attempts.trim()));
        } catch (NumberFormatException e) {
            throw new LifeboatException(ErrorCode.USAGE, "LIFEBOAT_S3_MAX_ATTEMPTS must be a whole number, got '"
                    + attempts + "'", "e.g. LIFEBOAT_S3_MAX_ATTEMPTS=8 (the default)");
        }
    }

    private static StorageFactory retrying(StorageFactory f, RetryingStorageConfig retries) {
        return new StorageFactory() {
            @Override
            public String scheme() {
                return f.scheme();
            }

            @Override
            public boolean accepts(String location) {
                return f.accepts(location);
            }

            @Override
            public io.lifeboat.core.storage.Storage open(String location) {
                return new RetryingStorage(f.open(location), retries);
            }
        };
    }

    /** Runs a command and returns the process exit code. */
    public static int run(CliContext context, String... args) {
        return run(context, EarlyUnlock.start(context, args), args);
    }

    /** Runs a command with the early unlock started for it ({@link EarlyUnlock#NONE} for none); closes it. */
    static int run(CliContext context, EarlyUnlock unlock, String... args) {
        // The repository's key derivation runs while picocli builds its model and parses.
        try (EarlyUnlock early = unlock) {
            CliContext ctx = context.withEarlyUnlock(early);
            CommandLine cl = new CommandLine(new LifeboatCommand(), new Factory(ctx));
            LifeboatCommand.verbsFor(args).forEach(cl::addSubcommand);
            cl.setOut(new java.io.PrintWriter(ctx.out, true));
            cl.setErr(new java.io.PrintWriter(ctx.err, true));
            cl.setExecutionExceptionHandler((e, cmd, parsed) -> report(ctx, e, jsonRequested(args)));
            cl.setParameterExceptionHandler((e, a) -> {
                ctx.err.println("error: " + e.getMessage());
                ctx.err.println("hint: run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage");
                return ErrorCode.USAGE.exitCode();
            });
            return cl.execute(args);
        }
    }

    private static boolean jsonRequested(String[] args) {
        for (String a : args) {
            if (a.equals("--json")) {
                return true;
            }
        }
        return false;
    }

    static int report(CliContext ctx, Exception e, boolean json) {
        LifeboatException le = e instanceof LifeboatException l ? l
                : e instanceof IllegalArgumentException ia ? new LifeboatException(ErrorCode.USAGE, ia.getMessage(), null, ia)
                : new LifeboatException(ErrorCode.INTERNAL, "unexpected failure: " + e,
                        "this is a bug; please report it with the command you ran", e);
        if (json) {
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("code", le.code().metricLabel());
            err.put("exit_code", le.code().exitCode());
            err.put("message", le.getMessage());
            err.put("hint", le.hint());
            Output.json(ctx.out, Map.of("error", err));
        }
        PrintStream out = ctx.err;
        out.println("error: " + le.getMessage());
        if (le.hint() != null) {
            out.println("hint: " + le.hint());
        }
        if (le.code() == ErrorCode.INTERNAL && "1".equals(ctx.env.get("LIFEBOAT_DEBUG"))) {
            e.printStackTrace(out);
        }
        return le.code().exitCode();
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    /** Builds commands, handing {@link CliContext} to those that take it. */
    private record Factory(CliContext ctx) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(CliContext.class).newInstance(ctx);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
