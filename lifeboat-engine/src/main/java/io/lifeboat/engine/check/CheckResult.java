package io.lifeboat.engine.check;

import java.util.List;

/**
 * The outcome of {@code check}. {@code problems} make the check fail; {@code notes} are worth
 * knowing but harmless (e.g. unreferenced packs left by an interrupted backup).
 *
 * @param walFiles WAL files in the repository whose chain was checked for gaps
 */
public record CheckResult(
        int snapshots, int indexFiles, int packs, long blobs, int packsRead, long bytesRead, int walFiles,
        List<Problem> problems, List<String> notes) {
    public CheckResult {
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    public boolean ok() {
        return problems.isEmpty();
    }
}
