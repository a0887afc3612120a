package io.lifeboat.core.progress;

/**
 * A progress sample of a long operation. Totals are {@code -1} when unknown (e.g. a stream).
 *
 * @param phase short verb for what is happening ("scan", "backup", "restore", "check")
 * @param current the item being worked on, for display only; may be {@code null}
 */
public record Progress(
        String phase, long itemsDone, long itemsTotal, long bytesDone, long bytesTotal, String current) {}
