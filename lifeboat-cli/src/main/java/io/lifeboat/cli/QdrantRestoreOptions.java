package io.lifeboat.cli;

import java.net.URI;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of {@code restore} that apply to Qdrant snapshots. */
final class QdrantRestoreOptions {
    @Mixin
    QdrantOptions key;

    @Option(names = "--qdrant-url", paramLabel = "URL", description = "Qdrant: server to restore into (default: the one that was backed up).")
    URI url;

    @Option(names = "--collection", paramLabel = "NAME", description = "Qdrant: collection to restore into (default: the original name); created if missing, replaced if it exists.")
    String collection;

    @Option(names = "--priority", paramLabel = "PRIORITY", description = "Qdrant: recovery priority snapshot, replica or no_sync (default: snapshot); always sent.")
    String priority;

    boolean requested() {
        return url != null || collection != null || priority != null || key.apiKeyFile != null;
    }
}
