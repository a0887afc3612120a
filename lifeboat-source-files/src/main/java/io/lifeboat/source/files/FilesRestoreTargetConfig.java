package io.lifeboat.source.files;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Where and what a {@link FilesRestoreTarget} restores.
 *
 * @param target absolute, normalized directory; snapshot path {@code /a/b} is restored to
 *     {@code target/a/b}; created if missing
 * @param includes snapshot paths such as {@code /home/u/docs}; empty (or {@code /}) restores
 *     everything. A trailing slash is dropped.
 * @param overwrite what to do with entries that exist already
 */
public record FilesRestoreTargetConfig(Path target, List<String> includes, OverwritePolicy overwrite) {

    public FilesRestoreTargetConfig {
        if (target == null || !target.isAbsolute() || !target.equals(target.normalize())) {
            throw new LifeboatException(ErrorCode.USAGE,
                    "restore target " + target + " is not an absolute, normalized path",
                    target == null ? "name the directory to restore into" : "give it as " + target.toAbsolutePath().normalize());
        }
        Objects.requireNonNull(includes, "includes");
        Objects.requireNonNull(overwrite, "overwrite");
        var checked = new LinkedHashSet<String>();
        for (String include : includes) {
            checked.add(checkedInclude(include));
        }
        includes = List.copyOf(checked);
    }

    /** Everything, into {@code target}, replacing what exists. */
    public static FilesRestoreTargetConfig of(Path target) {
        return new FilesRestoreTargetConfig(target, List.of(), OverwritePolicy.ALWAYS);
    }

    public FilesRestoreTargetConfig withIncludes(List<String> newIncludes) {
        return new FilesRestoreTargetConfig(target, newIncludes, overwrite);
    }

    public FilesRestoreTargetConfig withOverwrite(OverwritePolicy newOverwrite) {
        return new FilesRestoreTargetConfig(target, includes, newOverwrite);
    }

    private static String checkedInclude(String include) {
        if (include == null || !include.startsWith("/")) {
            throw invalid(include, "is not absolute");
        }
        String path = include.length() > 1 && include.endsWith("/") ? include.substring(0, include.length() - 1) : include;
        if (path.equals("/")) {
            return path;
        }
        for (String name : path.substring(1).split("/", -1)) {
            if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0) {
                throw invalid(include, "has an empty, '.' or '..' component");
            }
        }
        return path;
    }

    private static LifeboatException invalid(String include, String why) {
        return new LifeboatException(ErrorCode.USAGE, "include path '" + include + "' " + why,
                "give snapshot paths as listed by 'lifeboat ls', e.g. /home/u/docs");
    }
}
