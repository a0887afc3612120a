package io.lifeboat.testkit.storage;

import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.RequestCounts;
import io.lifeboat.core.storage.Storage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A storage that passes every call on to another, for tests that watch or change a few of them:
 * override those. Content-addressed writes keep {@link Storage}'s default and go through
 * {@link #put}, so overriding {@code put} sees every write.
 */
public abstract class ForwardingStorage implements Storage {
    protected final Storage delegate;

    protected ForwardingStorage(Storage delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public String location() {
        return delegate.location();
    }

    @Override
    public void put(Handle handle, byte[] content) {
        delegate.put(handle, content);
    }

    @Override
    public boolean create(Handle handle, byte[] content) {
        return delegate.create(handle, content);
    }

    @Override
    public byte[] get(Handle handle) {
        return delegate.get(handle);
    }

    @Override
    public byte[] getRange(Handle handle, long offset, int length) {
        return delegate.getRange(handle, offset, length);
    }

    @Override
    public Optional<ObjectInfo> stat(Handle handle) {
        return delegate.stat(handle);
    }

    @Override
    public List<ObjectInfo> list(ObjectKind kind) {
        return delegate.list(kind);
    }

    @Override
    public void delete(Handle handle) {
        delegate.delete(handle);
    }

    @Override
    public Optional<RequestCounts> requestCounts() {
        return delegate.requestCounts();
    }

    @Override
    public int preferredConcurrentWrites() {
        return delegate.preferredConcurrentWrites();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
