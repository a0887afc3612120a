package io.lifeboat.testkit.storage;

import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A {@link Storage} in a {@link ConcurrentHashMap}, for fast tests. Follows the whole contract
 * (it runs the contract suite); durability means "until the object is garbage".
 *
 * <p>Content is copied on the way in and out, so neither the caller's array nor a returned array
 * can change a stored object. Thread safe; {@link #close()} is a no-op and keeps the objects, so
 * a test can inspect them afterwards.
 */
public final class InMemoryStorage implements Storage {
    private static final String HINT = "the in-memory storage of this test never had the object or it was deleted";

    private final ConcurrentMap<Handle, Entry> objects = new ConcurrentHashMap<>();
    private final String name;
    private final Clock clock;

    public InMemoryStorage() {
        this("memory", Clock.systemUTC());
    }

    /** {@code name} shows in {@link #location()} as {@code memory:name}; {@code clock} stamps objects. */
    public InMemoryStorage(String name, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String location() {
        return name.equals("memory") ? "memory:" : "memory:" + name;
    }

    @Override
    public void put(Handle handle, byte[] content) {
        objects.put(Objects.requireNonNull(handle, "handle"), entry(content));
    }

    @Override
    public boolean create(Handle handle, byte[] content) {
        return objects.putIfAbsent(Objects.requireNonNull(handle, "handle"), entry(content)) == null;
    }

    @Override
    public byte[] get(Handle handle) {
        return existing(handle).content.clone();
    }

    @Override
    public byte[] getRange(Handle handle, long offset, int length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range " + offset + "+" + length + " of " + handle);
        }
        byte[] content = existing(handle).content;
        if (offset + length > content.length) {
            throw LifeboatException.damaged(handle.path() + " in " + location() + ": range " + offset + "+" + length
                    + " is beyond the end of the object (" + content.length + " bytes)",
                    "the object is truncated or its index entry is wrong; run 'lifeboat check --read-data'");
        }
        return Arrays.copyOfRange(content, (int) offset, (int) offset + length);
    }

    @Override
    public Optional<ObjectInfo> stat(Handle handle) {
        Entry entry = objects.get(handle);
        return entry == null ? Optional.empty() : Optional.of(entry.info(handle));
    }

    @Override
    public List<ObjectInfo> list(ObjectKind kind) {
        Objects.requireNonNull(kind, "kind");
        return objects.entrySet().stream()
                .filter(e -> e.getKey().kind() == kind)
                .map(e -> e.getValue().info(e.getKey()))
                .toList();
    }

    @Override
    public void delete(Handle handle) {
        objects.remove(Objects.requireNonNull(handle, "handle"));
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return "InMemoryStorage[" + location() + ", " + objects.size() + " objects]";
    }

    private Entry entry(byte[] content) {
        return new Entry(content.clone(), clock.instant());
    }

    private Entry existing(Handle handle) {
        Entry entry = objects.get(Objects.requireNonNull(handle, "handle"));
        if (entry == null) {
            throw LifeboatException.notFound(handle.path() + " in " + location(), HINT);
        }
        return entry;
    }

    private record Entry(byte[] content, Instant modified) {
        ObjectInfo info(Handle handle) {
            return new ObjectInfo(handle, content.length, modified);
        }
    }
}
