package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.engine.retention.PruneOptions;
import picocli.CommandLine.Option;

/** The options of {@code prune}, shared with {@code forget --prune}. */
final class PruneOptionsMixin {
    @Option(names = "--max-unused", paramLabel = "PERCENT", defaultValue = "5%",
            description = "Unused data that may stay in partly used packs, as a percentage of the used data; packs with "
                    + "the most unused data are repacked until the rest fits (default: ${DEFAULT-VALUE}; 0 repacks every partly used pack).")
    String maxUnused;

    @Option(names = "--max-repack-size", paramLabel = "SIZE",
            description = "Read at most SIZE of packs for repacking in this run, e.g. 2GiB (default: no limit; 0: only delete wholly unused packs).")
    String maxRepackSize;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "30m",
            description = "Delete packs that no index lists (left by interrupted backups) only when older than this (default: ${DEFAULT-VALUE}).")
    String grace;

    PruneOptions toOptions(boolean dryRun) {
        String pct = maxUnused.trim();
        if (pct.endsWith("%")) {
            pct = pct.substring(0, pct.length() - 1).trim();
        }
        double percent;
        try {
            percent = Double.parseDouble(pct);
        } catch (NumberFormatException e) {
            throw new LifeboatException(ErrorCode.USAGE, "--max-unused: cannot read percentage '" + maxUnused + "'",
                    "write a percentage such as 5% or 0");
        }
        long repack = maxRepackSize == null ? Long.MAX_VALUE : Sizes.parse(maxRepackSize, "--max-repack-size");
        return new PruneOptions(percent, repack, Durations.parse(grace, "--grace"), dryRun);
    }
}
