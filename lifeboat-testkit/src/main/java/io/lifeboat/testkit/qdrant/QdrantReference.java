package io.lifeboat.testkit.qdrant;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Qdrant reference material: the official OpenAPI spec ({@code openapi-v1.19.json}), its
 * snapshot endpoints ({@code snapshot-endpoints.json}), the behaviour notes ({@code README.md})
 * and a real shard snapshot ({@code sample-shard.snapshot}). Copies ship in this module's
 * resources ({@code io/lifeboat/testkit/qdrant/reference/}), so the tests need nothing outside the
 * repository; {@code LIFEBOAT_SHARED} (a path to a folder holding {@code qdrant/}) overrides them.
 */
public final class QdrantReference {
    private static final String RESOURCES = "reference/";
    private static final Map<String, Path> EXTRACTED = new ConcurrentHashMap<>();

    private QdrantReference() {}

    /** A readable file with the named reference content. */
    public static Path file(String name) {
        String env = System.getenv("LIFEBOAT_SHARED");
        if (env != null && !env.isBlank()) {
            return Path.of(env, "qdrant", name);
        }
        return EXTRACTED.computeIfAbsent(name, QdrantReference::extract);
    }

    private static Path extract(String name) {
        try (InputStream in = QdrantReference.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("Qdrant reference file " + name + " is not among the testkit's resources ("
                        + QdrantReference.class.getPackageName().replace('.', '/') + "/" + RESOURCES + ")");
            }
            Path dir = Files.createTempDirectory("qdrant-reference");
            Path file = dir.resolve(name);
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract Qdrant reference file " + name, e);
        }
    }
}
