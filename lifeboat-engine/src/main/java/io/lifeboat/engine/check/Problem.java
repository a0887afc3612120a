package io.lifeboat.engine.check;

import java.util.List;

/**
 * One damaged or missing object.
 *
 * @param object what is damaged, e.g. {@code data/3f/3fa2…} or {@code snapshots/91c0…}
 * @param affectedSnapshots ids of the snapshots that cannot be fully restored because of it
 */
public record Problem(String object, String message, List<String> affectedSnapshots) {
    public Problem {
        affectedSnapshots = List.copyOf(affectedSnapshots);
    }
}
