package io.lifeboat.cli;

import io.lifeboat.core.storage.Storage;
import io.lifeboat.core.storage.StorageRegistry;
import io.lifeboat.repository.Repository;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Opens the repository a command line names while picocli is still parsing it: the storage
 * (for S3, the SDK's start), the config, the key files, and the password's key derivation, the
 * slowest step of most commands, run on a thread of their own from the first instant.
 *
 * <p>It reads only what the command would read itself: {@code --repo}/{@code -r} or
 * {@code LIFEBOAT_REPOSITORY}, and the password from {@code --password-file},
 * {@code LIFEBOAT_PASSWORD_FILE} or {@code LIFEBOAT_PASSWORD}; a password that must be asked
 * for on a terminal is not asked early. {@link CliContext#open} takes the result only when the
 * parsed command asks for the same location with the same password, and then it is that
 * command's result, a failure included (a wrong password fails once, not twice). Anything else
 * (another location, another password, a second open, a command that opens nothing) leaves the
 * early unlock unused, and {@link #close} closes its storage.
 */
final class EarlyUnlock implements AutoCloseable {
    /** Verbs whose commands open the repository of the global options with its password. */
    private static final Set<String> OPENING = Set.of("backup", "snapshots", "ls", "restore", "forget", "prune", "hold",
            "release", "holds", "check", "stats", "copy", "unlock", "key", "wal", "serve");
    static final EarlyUnlock NONE = new EarlyUnlock(null, null, null);

    private final String location;
    private final char[] password;
    private final CompletableFuture<Repository.Unlocked> result;
    private boolean taken;

    private EarlyUnlock(String location, char[] password, CompletableFuture<Repository.Unlocked> result) {
        this.location = location;
        this.password = password;
        this.result = result;
    }

    /** Starts the unlock for {@code args} when it names a verb that opens a repository; else {@link #NONE}. */
    static EarlyUnlock start(CliContext ctx, String[] args) {
        return start(ctx.env, ctx.storages, args);
    }

    /** {@link #start(CliContext, String[])} before the rest of the context exists, from the environment and the storages. */
    static EarlyUnlock start(Map<String, String> env, StorageRegistry storages, String[] args) {
        String verb = LifeboatCommand.firstWord(args);
        if (verb == null || !OPENING.contains(verb) || asksForHelpOrVersion(args)) {
            return NONE;
        }
        String location = option(args, "-r", "--repo").orElse(env.get("LIFEBOAT_REPOSITORY"));
        if (location == null || location.isBlank()) {
            return NONE;
        }
        char[] password;
        try {
            password = new Passwords(env, null).current(option(args, null, "--password-file").map(Path::of).orElse(null));
        } catch (RuntimeException e) {
            return NONE; // no password without a prompt, or an unreadable file: the command reports it
        }
        char[] mine = password.clone();
        CompletableFuture<Repository.Unlocked> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("early-unlock").start(() -> {
            try {
                Storage storage = storages.open(location);
                try {
                    result.complete(Repository.unlock(storage, mine));
                } catch (RuntimeException | Error e) {
                    storage.close();
                    throw e;
                }
            } catch (Throwable e) {
                result.completeExceptionally(e);
            } finally {
                Arrays.fill(mine, '\0');
            }
        });
        return new EarlyUnlock(location, password, result);
    }

    /** Whether a command line only asks for usage or the version (every command takes -h and -V). */
    private static boolean asksForHelpOrVersion(String[] args) {
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals("--help") || a.equals("-h") || a.equals("--version") || a.equals("-V")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The unlocked repository when this early unlock is for {@code location} and {@code password}
     * and not taken yet; its failure is thrown as it happened. Empty otherwise.
     */
    Optional<Repository.Unlocked> take(String location, char[] password) {
        if (result == null || taken || !this.location.equals(location) || !Arrays.equals(this.password, password)) {
            return Optional.empty();
        }
        taken = true;
        Arrays.fill(this.password, '\0');
        if (!result.isDone()) {
            // This thread would only wait for the key derivation: it prepares what follows it.
            Repository.warmUpCrypto();
            Repository.warmUpJson();
        }
        try {
            return Optional.of(result.join());
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /**
     * Closes the storage of an unlock nobody took, when it has finished: without waiting for it,
     * so that a command that failed to parse is not held up by a slow or unreachable storage.
     */
    @Override
    public void close() {
        if (result == null || taken) {
            return;
        }
        taken = true;
        Arrays.fill(password, '\0');
        result.thenAccept(Repository.Unlocked::close);
    }

    /** The value of the option named {@code shortName} or {@code longName}, in any form picocli accepts. */
    static Optional<String> option(String[] args, String shortName, String longName) {
        Optional<String> found = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                break;
            }
            if ((a.equals(longName) || a.equals(shortName)) && i + 1 < args.length) {
                found = Optional.of(args[++i]);
            } else if (a.startsWith(longName + "=")) {
                found = Optional.of(a.substring(longName.length() + 1));
            } else if (shortName != null && a.startsWith(shortName) && !a.startsWith("--") && a.length() > shortName.length()) {
                String rest = a.substring(shortName.length());
                found = Optional.of(rest.startsWith("=") ? rest.substring(1) : rest);
            }
        }
        return found;
    }
}
