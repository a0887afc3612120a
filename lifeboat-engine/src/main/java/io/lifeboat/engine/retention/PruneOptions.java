package io.lifeboat.engine.retention;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.time.Duration;

/**
 * What {@link Prune} may do.
 *
 * @param maxUnusedPercent unused bytes that may stay in partly used packs, as a percentage of
 *     the used bytes; packs with the largest unused share are repacked until the rest fits
 *     (0 repacks every partly used pack)
 * @param maxRepackBytes at most this many stored bytes of packs are read for repacking in one run
 * @param unindexedGrace packs that no index lists are deleted only once they are older than this
 * @param dryRun plan and report, change nothing (takes only a shared lock)
 */
public record PruneOptions(double maxUnusedPercent, long maxRepackBytes, Duration unindexedGrace, boolean dryRun) {
    public static final double DEFAULT_MAX_UNUSED_PERCENT = 5;
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(30);
    public static final PruneOptions DEFAULTS =
            new PruneOptions(DEFAULT_MAX_UNUSED_PERCENT, Long.MAX_VALUE, DEFAULT_GRACE, false);

    public PruneOptions {
        if (!(maxUnusedPercent >= 0) || Double.isInfinite(maxUnusedPercent)) {
            throw new LifeboatException(ErrorCode.USAGE, "--max-unused must be a percentage of at least 0, not " + maxUnusedPercent,
                    "for example --max-unused 5% (the default), or 0 to repack every partly used pack");
        }
        if (maxRepackBytes < 0) {
            throw new LifeboatException(ErrorCode.USAGE, "--max-repack-size must not be negative",
                    "for example --max-repack-size 2GiB, or 0 to delete only wholly unused packs");
        }
        if (unindexedGrace.isNegative()) {
            throw new LifeboatException(ErrorCode.USAGE, "--grace must not be negative", "for example --grace 30m (the default)");
        }
    }

    public PruneOptions withDryRun(boolean d) {
        return new PruneOptions(maxUnusedPercent, maxRepackBytes, unindexedGrace, d);
    }
}
