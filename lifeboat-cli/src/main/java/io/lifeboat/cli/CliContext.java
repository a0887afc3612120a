package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.core.storage.StorageRegistry;
import io.lifeboat.repository.ClientContext;
import io.lifeboat.repository.Repository;
import java.io.Console;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * What commands need from the outside world, passed in once by {@link Main}: environment,
 * terminal, output streams, storage adapters and the client identity. Tests build their own.
 */
public final class CliContext {
    final Map<String, String> env;
    final Console console;
    final PrintStream out;
    final PrintStream err;
    final StorageRegistry storages;
    final ClientContext client;
    final String version;
    /** The repository unlocked while the command line was parsed (one run's context only). */
    private final EarlyUnlock early;

    public CliContext(Map<String, String> env, Console console, PrintStream out, PrintStream err,
            StorageRegistry storages, ClientContext client, String version) {
        this.env = env;
        this.console = console;
        this.out = out;
        this.err = err;
        this.storages = storages;
        this.client = client;
        this.version = version;
        this.early = EarlyUnlock.NONE;
    }

    private CliContext(CliContext c, EarlyUnlock early) {
        this.env = c.env;
        this.console = c.console;
        this.out = c.out;
        this.err = c.err;
        this.storages = c.storages;
        this.client = c.client;
        this.version = c.version;
        this.early = early;
    }

    /** This context for one run, whose repository {@code early} may have unlocked already. */
    CliContext withEarlyUnlock(EarlyUnlock early) {
        return new CliContext(this, early);
    }

    Passwords passwords() {
        return new Passwords(env, console);
    }

    String repositoryLocation(GlobalOptions o) {
        String loc = o.repo != null ? o.repo : env.get("LIFEBOAT_REPOSITORY");
        if (loc == null || loc.isBlank()) {
            throw new LifeboatException(ErrorCode.USAGE, "no repository given",
                    "pass --repo LOCATION or set LIFEBOAT_REPOSITORY");
        }
        return loc;
    }

    Storage storage(GlobalOptions o) {
        return storages.open(repositoryLocation(o));
    }

    ClientContext client(GlobalOptions o) {
        return client.withLockPolicy(client.lockPolicy().withRetryFor(o.retryLockDuration()));
    }

    /** Opens the repository named by the options with the password from env, file or prompt. */
    Repository open(GlobalOptions o) {
        char[] password = passwords().current(o.passwordFile);
        try {
            return open(o, password);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** Opens the repository at {@code location} (not the one of the options) with a password the caller holds. */
    Repository openAt(String location, GlobalOptions o, char[] password) {
        Storage storage = storages.open(location);
        try {
            return Repository.open(storage, password, client(o));
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
    }

    /**
     * Opens the repository named by the options with a password the caller holds (and zeroes):
     * the early unlock's result when it was for this location and password.
     */
    Repository open(GlobalOptions o, char[] password) {
        ClientContext client = client(o); // before taking the unlock: an option error must not leak its storage
        Optional<Repository.Unlocked> unlocked = early.take(repositoryLocation(o), password);
        if (unlocked.isPresent()) {
            return unlocked.get().open(client);
        }
        Storage storage = storage(o);
        try {
            return Repository.open(storage, password, client(o));
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
    }

    /** A progress display when a person watches a terminal; nothing otherwise. */
    ProgressListener progress(GlobalOptions o) {
        if (o.quiet || o.json || !Terminal.isInteractive(console) || "0".equals(env.get("LIFEBOAT_PROGRESS"))) {
            return ProgressListener.NONE;
        }
        return new TerminalProgress(err);
    }

    static void finishProgress(ProgressListener p) {
        if (p instanceof TerminalProgress t) {
            t.finish();
        }
    }
}
