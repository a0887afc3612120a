package io.lifeboat.repository.lock;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.Hex;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.repository.crypto.BlobCodec;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A held repository lock. Acquire with {@link #acquire}; close to release. While held, a virtual
 * thread rewrites the lock every refresh interval (new object first, then the old one is
 * deleted), so other clients can tell a live lock from a stale one.
 */
public final class RepositoryLock implements AutoCloseable {
    private final Storage storage;
    private final BlobCodec codec;
    private final Clock clock;
    private final LockPolicy policy;
    private final LockInfo template;
    private final SecureRandom random;
    private final List<String> staleSeen;
    private volatile Handle current;
    private volatile Instant lastRefresh;
    private final Thread refresher;
    private volatile boolean closed;

    private RepositoryLock(Storage storage, BlobCodec codec, Clock clock, LockPolicy policy, LockInfo template,
            SecureRandom random, Handle current, List<String> staleSeen) {
        this.storage = storage;
        this.codec = codec;
        this.clock = clock;
        this.policy = policy;
        this.template = template;
        this.random = random;
        this.current = current;
        this.lastRefresh = template.time();
        this.staleSeen = List.copyOf(staleSeen);
        this.refresher = Thread.ofVirtual().name("lock-refresh").start(this::refreshLoop);
    }

    /**
     * Takes a shared or exclusive lock. Stale locks never block (they are returned by
     * {@link #staleLocks()} so the caller reports them); live conflicting locks make this wait up
     * to {@link LockPolicy#retryFor()} and then fail with {@code REPOSITORY_LOCKED}.
     */
    public static RepositoryLock acquire(Storage storage, BlobCodec codec, Clock clock, LockPolicy policy,
            boolean exclusive, String operation, String host, String username) {
        SecureRandom random = new SecureRandom();
        Instant deadline = clock.instant().plus(policy.retryFor());
        long pid = ProcessHandle.current().pid();
        while (true) {
            LockInfo info = new LockInfo(clock.instant(), exclusive, host, pid, username, operation);
            Handle mine = Handle.of(ObjectKind.LOCK, randomName(random));
            storage.put(mine, LockCodec.seal(codec, info));
            List<String> stale = new ArrayList<>();
            Optional<String> conflict = findConflict(storage, codec, clock, policy, mine, exclusive, host, stale);
            if (conflict.isEmpty()) {
                return new RepositoryLock(storage, codec, clock, policy, info, random, mine, stale);
            }
            storage.delete(mine);
            if (!clock.instant().isBefore(deadline)) {
                throw new LifeboatException(ErrorCode.REPOSITORY_LOCKED,
                        "repository " + storage.location() + " is locked: " + conflict.get(),
                        "wait for that operation to finish (or pass --retry-lock DURATION); if its process is gone, "
                                + "run 'lifeboat unlock' to remove stale locks");
            }
            sleep(Duration.ofMillis(500 + random.nextInt(1000)));
        }
    }

    private static Optional<String> findConflict(Storage storage, BlobCodec codec, Clock clock, LockPolicy policy,
            Handle mine, boolean exclusive, String host, List<String> stale) {
        Instant now = clock.instant();
        for (ObjectInfo o : storage.list(ObjectKind.LOCK)) {
            if (o.handle().equals(mine)) {
                continue;
            }
            LockInfo other;
            try {
                other = LockCodec.open(codec, o.handle().name(), storage.get(o.handle()));
            } catch (LifeboatException e) {
                if (e.code() == ErrorCode.NOT_FOUND) {
                    continue; // released while we listed
                }
                throw e;
            }
            if (other.isStale(now, policy.staleAge(), host)) {
                stale.add("locks/" + o.handle().name() + ": stale " + other.describe(now));
                continue;
            }
            if (exclusive || other.exclusive()) {
                return Optional.of(other.describe(now));
            }
        }
        return Optional.empty();
    }

    /**
     * Lists every lock with its state; used by {@code unlock}. A lock object that cannot be read
     * is listed too, with the reason, and counts as not stale: nobody can tell whose it is.
     */
    public static List<ListedLock> list(Storage storage, BlobCodec codec, Clock clock, LockPolicy policy, String host) {
        List<ListedLock> out = new ArrayList<>();
        Instant now = clock.instant();
        for (ObjectInfo o : storage.list(ObjectKind.LOCK)) {
            String name = "locks/" + o.handle().name();
            try {
                LockInfo info = LockCodec.open(codec, o.handle().name(), storage.get(o.handle()));
                boolean stale = info.isStale(now, policy.staleAge(), host);
                out.add(new ListedLock(o.handle(), stale, name + ": " + (stale ? "stale " : "") + info.describe(now)));
            } catch (LifeboatException e) {
                if (e.code() != ErrorCode.NOT_FOUND) { // not found: released while we listed
                    out.add(new ListedLock(o.handle(), false, name + ": unreadable (" + e.getMessage() + ")"));
                }
            }
        }
        return out;
    }

    /**
     * Removes locks: without {@code force} only the provably stale ones ({@link LockInfo#isStale});
     * with it every lock, live or unreadable. A live lock removed by force no longer protects its
     * operation from a concurrent prune, so force is only for a repository no process uses.
     */
    public static Removal remove(Storage storage, BlobCodec codec, Clock clock, LockPolicy policy, String host,
            boolean force) {
        List<String> removed = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (ListedLock lock : list(storage, codec, clock, policy, host)) {
            if (lock.stale() || force) {
                storage.delete(lock.handle());
                removed.add(lock.description());
            } else {
                kept.add(lock.description());
            }
        }
        return new Removal(removed, kept);
    }

    /** What {@link #remove} did: descriptions of the locks removed and of those kept. */
    public record Removal(List<String> removed, List<String> kept) {
        public Removal {
            removed = List.copyOf(removed);
            kept = List.copyOf(kept);
        }
    }

    /** One lock as seen by {@link #list}: {@code description} names the object and its holder. */
    public record ListedLock(Handle handle, boolean stale, String description) {}

    /** Stale locks seen while acquiring: they did not block, but the user should hear of them. */
    public List<String> staleLocks() {
        return staleSeen;
    }

    /**
     * Fails when the lock may have been lost (not refreshed for longer than the stale age), so a
     * long operation never commits under a lock others may have removed.
     */
    public void checkHeld() {
        if (closed || Duration.between(lastRefresh, clock.instant()).compareTo(policy.staleAge()) > 0) {
            throw new LifeboatException(ErrorCode.REPOSITORY_LOCKED,
                    "lock on " + storage.location() + " was not refreshed for " + policy.staleAge().toMinutes()
                            + " minutes and may have been removed by another client",
                    "run the operation again; check that the storage is reachable");
        }
    }

    private void refreshLoop() {
        while (!closed) {
            try {
                Thread.sleep(policy.refreshInterval());
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            try {
                refresh();
            } catch (RuntimeException e) {
                // The next iteration tries again; checkHeld() fails once the lock may be stale.
            }
        }
    }

    synchronized void refresh() {
        LockInfo info = new LockInfo(clock.instant(), template.exclusive(), template.host(), template.pid(),
                template.username(), template.operation());
        Handle next = Handle.of(ObjectKind.LOCK, randomName(random));
        storage.put(next, LockCodec.seal(codec, info));
        Handle old = current;
        current = next;
        lastRefresh = info.time();
        storage.delete(old);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        refresher.interrupt();
        storage.delete(current);
    }

    private static String randomName(SecureRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Hex.encode(b);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while waiting for a lock", null, e);
        }
    }
}
