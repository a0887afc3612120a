package io.lifeboat.source.files;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link FilesSource} backs up.
 *
 * @param paths absolute, normalized paths that exist when the config is made; duplicates are
 *     dropped, a path below another one is allowed (it adds nothing)
 * @param excludes glob patterns, see the package documentation for their semantics
 * @param oneFileSystem when set, directories on another device than the named path they are
 *     below are recorded as empty mount points and not entered
 */
public record FilesSourceConfig(List<Path> paths, List<String> excludes, boolean oneFileSystem) {

    public FilesSourceConfig {
        Objects.requireNonNull(paths, "paths");
        Objects.requireNonNull(excludes, "excludes");
        if (paths.isEmpty()) {
            throw usage("files source: no paths to back up", "name at least one absolute path, e.g. /srv/uploads");
        }
        var unique = new LinkedHashSet<Path>();
        for (Path path : paths) {
            unique.add(checkedPath(path));
        }
        paths = List.copyOf(unique);
        excludes = List.copyOf(excludes);
        ExcludePatterns.compile(excludes);
    }

    /** The given paths, no excludes, crossing file systems. */
    public static FilesSourceConfig of(Path... paths) {
        return new FilesSourceConfig(List.of(paths), List.of(), false);
    }

    public FilesSourceConfig withExcludes(List<String> newExcludes) {
        return new FilesSourceConfig(paths, newExcludes, oneFileSystem);
    }

    public FilesSourceConfig withOneFileSystem(boolean newOneFileSystem) {
        return new FilesSourceConfig(paths, excludes, newOneFileSystem);
    }

    /** The paths as strings, sorted: the series identity of the source. */
    List<String> sortedPathNames() {
        var names = new ArrayList<String>();
        for (Path path : paths) {
            names.add(path.toString());
        }
        names.sort(null);
        return names;
    }

    private static Path checkedPath(Path path) {
        if (path == null) {
            throw usage("files source: a path is null", "name absolute paths, e.g. /srv/uploads");
        }
        if (!path.isAbsolute()) {
            throw usage("files source: path " + path + " is not absolute",
                    "give it as " + path.toAbsolutePath().normalize());
        }
        if (!path.equals(path.normalize())) {
            throw usage("files source: path " + path + " is not normalized", "give it as " + path.normalize());
        }
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw usage("files source: path " + path + " does not exist",
                    "check the spelling, or remove it from the source's paths");
        }
        return path;
    }

    private static LifeboatException usage(String message, String hint) {
        return new LifeboatException(ErrorCode.USAGE, message, hint);
    }
}
