package io.lifeboat.testkit.qdrant;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the Qdrant reference material ({@code shared/qdrant/}: the OpenAPI spec, a real
 * snapshot), which lies beside the repository, by walking up from the working directory.
 * {@code LIFEBOAT_SHARED} (a path to {@code shared/}) overrides the search.
 */
final class QdrantReference {
    private QdrantReference() {}

    static Path file(String name) {
        String env = System.getenv("LIFEBOAT_SHARED");
        if (env != null && !env.isBlank()) {
            return Path.of(env, "qdrant", name);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("qdrant").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/qdrant/" + name + " not found above " + Path.of("").toAbsolutePath()
                + "; the Qdrant reference material lies beside the repository (set LIFEBOAT_SHARED to its shared/ folder)");
    }
}
