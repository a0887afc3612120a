package io.lifeboat.source.qdrant;

import java.util.List;

/**
 * What a Qdrant restore did and how the restored collection compares with the recorded facts.
 *
 * @param restoredPoints exact point count after the restore
 * @param sampled sampled points checked
 * @param sampleMismatches sampled points missing or different after the restore
 * @param uploadedSnapshotRemoved whether the uploaded file was deleted from the server's snapshot folder
 * @param warnings mismatches and clean-up failures: a non-empty list makes the restore partial
 */
public record QdrantRestoreReport(String server, String collection, String priority, String serverVersion,
        long recordedPoints, long restoredPoints, int sampled, int sampleMismatches, long bytesUploaded,
        boolean uploadedSnapshotRemoved, List<String> warnings) {

    public QdrantRestoreReport {
        warnings = List.copyOf(warnings);
    }

    /** Count differences and sampled points that differ. */
    public long mismatches() {
        return (recordedPoints == restoredPoints ? 0 : 1) + sampleMismatches;
    }
}
