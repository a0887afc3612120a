package io.lifeboat.core.progress;

/**
 * Receives progress samples. Core code emits them and never prints; the CLI renders a bar on a
 * terminal, the daemon forwards them to the dashboard. Implementations must be thread safe and
 * cheap: callers may emit often and from several threads.
 */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = p -> {};

    void onProgress(Progress progress);
}
