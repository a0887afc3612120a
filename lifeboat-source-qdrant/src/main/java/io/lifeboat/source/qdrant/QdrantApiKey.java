package io.lifeboat.source.qdrant;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Qdrant API key. Prints as {@code ***}; only the {@code api-key} request header sees the
 * value. It comes from a file ({@code --api-key-file}) or {@code $QDRANT_API_KEY}, never from
 * the command line, where other users of the machine could read it.
 */
public final class QdrantApiKey {
    public static final String ENV = "QDRANT_API_KEY";
    private final String value;

    private QdrantApiKey(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static QdrantApiKey of(String value) {
        return new QdrantApiKey(value);
    }

    /** The key of {@code file} (first line, trimmed), else of {@code $QDRANT_API_KEY}, else none. */
    public static Optional<QdrantApiKey> resolve(Path file, Map<String, String> env) {
        if (file != null) {
            try {
                String first = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
                if (first.isEmpty()) {
                    throw new LifeboatException(ErrorCode.USAGE, "API key file " + file + " is empty",
                            "write the Qdrant API key on the first line of the file");
                }
                return Optional.of(new QdrantApiKey(first));
            } catch (IOException e) {
                throw new LifeboatException(ErrorCode.USAGE, "cannot read API key file " + file + ": " + e.getMessage(),
                        "check the path and its permissions");
            }
        }
        String v = env.get(ENV);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(new QdrantApiKey(v.strip()));
    }

    String reveal() {
        return value;
    }

    /** Replaces every occurrence of the key in {@code text} (e.g. a server's message) by {@code ***}. */
    String scrub(String text) {
        return text == null || value.isEmpty() ? text : text.replace(value, "***");
    }

    @Override
    public String toString() {
        return "***";
    }
}
