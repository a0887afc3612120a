package io.lifeboat.engine.check;

/**
 * What to check.
 *
 * @param readData read, authenticate and hash stored data, not only the structure
 * @param readDataPercent with {@code readData}: the share of packs to read (1–100), chosen at
 *     random so repeated partial checks cover everything over time
 */
public record CheckOptions(boolean readData, int readDataPercent) {
    public static final CheckOptions STRUCTURE = new CheckOptions(false, 0);
    public static final CheckOptions ALL_DATA = new CheckOptions(true, 100);

    public CheckOptions {
        if (readData && (readDataPercent < 1 || readDataPercent > 100)) {
            throw new IllegalArgumentException("--read-data percentage must be between 1 and 100, got " + readDataPercent);
        }
    }
}
