package io.lifeboat.core.storage;

/**
 * Opens the {@link Storage} for a location string, for one URL scheme. Each adapter module has
 * one; {@link StorageRegistry} asks them in turn.
 *
 * <p>Implementations are stateless or immutable and thread safe.
 */
public interface StorageFactory {

    /**
     * The scheme this factory handles, without the colon ({@code "file"}, {@code "s3"}), as
     * listed in error messages.
     */
    String scheme();

    /**
     * Whether this factory handles {@code location}. Looks only at its form (the scheme), never
     * touches the storage, and never throws for a location meant for another factory.
     */
    boolean accepts(String location);

    /**
     * Opens the storage at {@code location}, which this factory {@link #accepts accepts}. Opening
     * does not create the namespace: a repository that does not exist yet is an empty storage.
     *
     * @throws io.lifeboat.core.error.LifeboatException {@code USAGE} when the location is
     *     malformed, {@code STORAGE_IO} when the storage cannot be reached
     */
    Storage open(String location);
}
