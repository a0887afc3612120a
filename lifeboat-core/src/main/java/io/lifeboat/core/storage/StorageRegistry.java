package io.lifeboat.core.storage;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The storage factories an application knows, and the choice among them for a location string.
 * Built once where everything is wired ({@code lifeboat-cli}), e.g.
 * {@code new StorageRegistry(List.of(new LocalStorageFactory(), new S3StorageFactory()))}.
 *
 * <p>The first factory that {@link StorageFactory#accepts accepts} a location wins, so more
 * specific factories go first. A location with a scheme nobody accepts is a {@code USAGE} error
 * whose hint lists the supported schemes. Immutable and thread safe.
 */
public final class StorageRegistry {
    /** RFC 3986 scheme; a single letter is a Windows drive ({@code C:\repo}), not a scheme. */
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+):");

    private final List<StorageFactory> factories;

    public StorageRegistry(List<StorageFactory> factories) {
        this.factories = List.copyOf(factories);
        if (this.factories.isEmpty()) {
            throw new IllegalArgumentException("a storage registry needs at least one factory");
        }
    }

    /** The schemes of the registered factories, in order. */
    public List<String> schemes() {
        return factories.stream().map(StorageFactory::scheme).toList();
    }

    /** The factory for {@code location}. */
    public StorageFactory factoryFor(String location) {
        Objects.requireNonNull(location, "location");
        if (location.isBlank()) {
            throw new LifeboatException(ErrorCode.USAGE, "no storage location given",
                    "give a repository location: " + supported());
        }
        for (StorageFactory factory : factories) {
            if (factory.accepts(location)) {
                return factory;
            }
        }
        Matcher scheme = SCHEME.matcher(location);
        String what = scheme.find()
                ? "unknown storage scheme '" + scheme.group(1) + ":' in location " + redacted(location)
                : "no storage handles location " + redacted(location);
        throw new LifeboatException(ErrorCode.USAGE, what, "use one of: " + supported());
    }

    /** Opens the storage at {@code location} with the factory that accepts it. */
    public Storage open(String location) {
        return factoryFor(location).open(location);
    }

    /**
     * {@code location} as it may appear in messages: a user name and password written into it
     * ({@code s3://key:secret@host/bucket}) and a query string are replaced by {@code ***}.
     */
    public static String redacted(String location) {
        String shown = location;
        int authority = shown.indexOf("://");
        if (authority >= 0) {
            int start = authority + 3;
            int slash = shown.indexOf('/', start);
            int at = shown.lastIndexOf('@', slash < 0 ? shown.length() : slash);
            if (at >= start) {
                shown = shown.substring(0, start) + "***" + shown.substring(at);
            }
        }
        int query = shown.indexOf('?');
        return query < 0 ? shown : shown.substring(0, query) + "?***";
    }

    private String supported() {
        String schemes = String.join(", ", schemes().stream().map(s -> s + ":").toList());
        return schemes().contains("file") ? schemes + " (a location without a scheme is a local directory path)" : schemes;
    }
}
