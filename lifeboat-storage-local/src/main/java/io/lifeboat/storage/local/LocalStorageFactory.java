package io.lifeboat.storage.local;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.storage.StorageFactory;
import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Opens {@link LocalStorage} for a plain path ({@code /srv/backup}, {@code ./repo},
 * {@code C:\backup}) or a {@code file:} URL ({@code file:/srv/backup},
 * {@code file:///srv/my%20backup}). Relative paths are taken from the working directory.
 */
public final class LocalStorageFactory implements StorageFactory {
    public static final String SCHEME = "file";
    /** A URL scheme; one letter is a Windows drive, not a scheme. */
    private static final Pattern OTHER_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:");

    private final boolean fsync;

    /** Opens storages that sync every write ({@link LocalStorageConfig#DEFAULT_FSYNC}). */
    public LocalStorageFactory() {
        this(LocalStorageConfig.DEFAULT_FSYNC);
    }

    public LocalStorageFactory(boolean fsync) {
        this.fsync = fsync;
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public boolean accepts(String location) {
        return isFileUrl(location) || !OTHER_SCHEME.matcher(location).find();
    }

    @Override
    public LocalStorage open(String location) {
        return new LocalStorage(new LocalStorageConfig(pathOf(location), fsync));
    }

    /** The directory a location names. */
    static Path pathOf(String location) {
        try {
            if (!isFileUrl(location)) {
                return Path.of(location);
            }
            String rest = location.substring(SCHEME.length() + 1);
            if (rest.startsWith("//")) {
                return Path.of(URI.create(SCHEME + ":" + rest));
            }
            if (rest.isEmpty()) {
                throw malformed(location, null);
            }
            return Path.of(rest);
        } catch (IllegalArgumentException e) {
            // also InvalidPathException, a subclass
            throw malformed(location, e);
        }
    }

    private static boolean isFileUrl(String location) {
        return location.regionMatches(true, 0, SCHEME + ":", 0, SCHEME.length() + 1);
    }

    private static LifeboatException malformed(String location, Exception cause) {
        String why = cause == null ? "" : ": " + cause.getMessage();
        return new LifeboatException(ErrorCode.USAGE, "not a local repository location: " + location + why,
                "write a path (/srv/backup/lifeboat) or a file URL without a host (file:///srv/backup/lifeboat)", cause);
    }
}
