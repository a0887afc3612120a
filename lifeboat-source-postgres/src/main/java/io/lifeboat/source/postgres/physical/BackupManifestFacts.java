package io.lifeboat.source.postgres.physical;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WAL range a base backup needs, read from its {@code backup_manifest} (the
 * {@code WAL-Ranges} entry: timeline, start and end LSN) or from {@code pg_basebackup -v}'s
 * "write-ahead log end point" line.
 */
public final class BackupManifestFacts {
    private static final Pattern RANGE = Pattern.compile(
            "\"Timeline\"\\s*:\\s*(\\d+)\\s*,\\s*\"Start-LSN\"\\s*:\\s*\"([0-9A-Fa-f]+/[0-9A-Fa-f]+)\"\\s*,\\s*\"End-LSN\"\\s*:\\s*\"([0-9A-Fa-f]+/[0-9A-Fa-f]+)\"");
    private static final Pattern END_POINT = Pattern.compile("write-ahead log end point: ([0-9A-Fa-f]+/[0-9A-Fa-f]+)");

    private BackupManifestFacts() {}

    /** The last WAL range of a manifest: timeline, start, end. */
    public record WalRange(int timeline, Lsn start, Lsn end) {}

    public static Optional<WalRange> walRange(String manifest) {
        Matcher m = RANGE.matcher(manifest);
        WalRange last = null;
        while (m.find()) {
            last = new WalRange(Integer.parseInt(m.group(1)), Lsn.parse(m.group(2)), Lsn.parse(m.group(3)));
        }
        return Optional.ofNullable(last);
    }

    /** The end point pg_basebackup reports on stderr with {@code -v}. */
    public static Optional<Lsn> endPoint(Iterable<String> stderrLines) {
        for (String line : stderrLines) {
            Matcher m = END_POINT.matcher(line);
            if (m.find()) {
                return Optional.of(Lsn.parse(m.group(1)));
            }
        }
        return Optional.empty();
    }
}
