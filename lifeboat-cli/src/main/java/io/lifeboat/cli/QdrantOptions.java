package io.lifeboat.cli;

import io.lifeboat.source.qdrant.PendingSnapshots;
import io.lifeboat.source.qdrant.QdrantApiKey;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The API key option shared by {@code backup qdrant} and {@code restore}, and where the journal lives. */
final class QdrantOptions {
    @Option(names = "--api-key-file", paramLabel = "FILE", description = "Qdrant: read the API key from FILE (first line). Default: $QDRANT_API_KEY. Never on the command line.")
    Path apiKeyFile;

    Optional<QdrantApiKey> apiKey(Map<String, String> env) {
        return QdrantApiKey.resolve(apiKeyFile, env);
    }

    /**
     * The journal of server-side snapshots not yet deleted: {@code $LIFEBOAT_STATE_DIR}, else
     * {@code $XDG_STATE_HOME/lifeboat}, else {@code ~/.local/state/lifeboat}.
     */
    static PendingSnapshots pending(Map<String, String> env) {
        String dir = env.get("LIFEBOAT_STATE_DIR");
        Path base;
        if (dir != null && !dir.isBlank()) {
            base = Path.of(dir);
        } else if (env.get("XDG_STATE_HOME") != null && !env.get("XDG_STATE_HOME").isBlank()) {
            base = Path.of(env.get("XDG_STATE_HOME"), "lifeboat");
        } else {
            base = Path.of(System.getProperty("user.home"), ".local", "state", "lifeboat");
        }
        return new PendingSnapshots(base.resolve("qdrant-pending-snapshots"));
    }
}
