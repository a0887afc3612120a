package io.lifeboat.source.qdrant;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Qdrant version {@code major.minor.patch} (suffixes such as {@code -dev} ignored). */
public record QdrantVersion(int major, int minor, int patch) {
    private static final Pattern V = Pattern.compile("v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");

    /** The version, or null when {@code text} is not one. */
    public static QdrantVersion parse(String text) {
        Matcher m = text == null ? null : V.matcher(text.strip());
        if (m == null || !m.matches()) {
            return null;
        }
        return new QdrantVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
    }

    /** Qdrant recovers a snapshot made by the same or the previous minor version only. */
    public boolean accepts(QdrantVersion snapshotVersion) {
        return major == snapshotVersion.major && (minor == snapshotVersion.minor || minor == snapshotVersion.minor + 1);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
