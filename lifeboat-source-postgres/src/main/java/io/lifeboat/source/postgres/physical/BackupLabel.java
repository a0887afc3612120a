package io.lifeboat.source.postgres.physical;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code backup_label} file of a base backup, as PostgreSQL writes it:
 * {@code START WAL LOCATION: 0/2000028 (file 000000010000000000000002)},
 * {@code START TIMELINE: 1}, {@code START TIME: …}, and so on.
 */
public record BackupLabel(String text, Lsn startLsn, String startWalFile, int timeline, String startTime) {

    public static BackupLabel parse(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 2).strip());
            }
        }
        String start = fields.get("START WAL LOCATION");
        if (start == null) {
            throw new IllegalArgumentException("backup_label without START WAL LOCATION");
        }
        int open = start.indexOf(" (file ");
        Lsn lsn = Lsn.parse(open > 0 ? start.substring(0, open) : start);
        String file = open > 0 ? start.substring(open + 7, start.length() - 1) : null;
        String tl = fields.get("START TIMELINE");
        int timeline = tl != null ? Integer.parseInt(tl) : file != null ? Integer.parseUnsignedInt(file.substring(0, 8), 16) : 1;
        return new BackupLabel(text, lsn, file, timeline, fields.get("START TIME"));
    }
}
