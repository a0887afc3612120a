package io.lifeboat.core.source;

import java.util.List;

/** What a restore wrote. {@code warnings} lists items restored incompletely (e.g. ownership). */
public record RestoreOutcome(long files, long directories, long symlinks, long bytesWritten, List<String> warnings) {
    public RestoreOutcome {
        warnings = List.copyOf(warnings);
    }
}
