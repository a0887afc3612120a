package io.lifeboat.cli;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options every command accepts. */
public final class GlobalOptions {
    @Option(names = {"-r", "--repo"}, paramLabel = "LOCATION", description = "Repository location: a directory, a file: URL, or s3://BUCKET/PREFIX (S3 options: README). Default: $LIFEBOAT_REPOSITORY.")
    String repo;

    @Option(names = "--password-file", paramLabel = "FILE", description = "Read the repository password from FILE (first line). Default: $LIFEBOAT_PASSWORD, else a prompt on a terminal.")
    Path passwordFile;

    @Option(names = "--json", description = "Print results as JSON (a documented, stable format: docs/json.md).")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "Print no progress.")
    boolean quiet;

    @Option(names = "--retry-lock", paramLabel = "DURATION", description = "Wait up to DURATION (e.g. 30s, 5m) for a conflicting lock. Default: fail at once.")
    String retryLock;

    Duration retryLockDuration() {
        return retryLock == null ? Duration.ZERO : Durations.parse(retryLock, "--retry-lock");
    }
}
