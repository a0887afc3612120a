package io.lifeboat.repository.crypto;

import java.util.Objects;

/**
 * Argon2id cost parameters, stored in each key file so that they can be raised for new keys
 * without breaking old ones.
 *
 * @param algorithm always {@code "argon2id"} in format v1
 * @param memoryKiB memory per derivation, KiB
 * @param iterations passes over the memory
 * @param parallelism lanes
 */
public record KdfParams(String algorithm, int memoryKiB, int iterations, int parallelism) {
    public static final String ARGON2ID = "argon2id";
    /** Upper bounds, so that a damaged or hostile key file cannot ask for absurd work. */
    static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;
    static final int MAX_ITERATIONS = 1000;
    static final int MAX_PARALLELISM = 64;

    /** What new keys use: 64 MiB, 3 passes, 2 lanes (a few hundred milliseconds on a server core). */
    public static final KdfParams DEFAULT = new KdfParams(ARGON2ID, 64 * 1024, 3, 2);
    /**
     * Cheap parameters for tests only (1 MiB, 1 pass). Production code never picks them; a user
     * gets them only by asking for these exact numbers.
     */
    public static final KdfParams FAST = new KdfParams(ARGON2ID, 1024, 1, 1);

    public KdfParams {
        Objects.requireNonNull(algorithm, "algorithm");
        if (!ARGON2ID.equals(algorithm)) {
            throw new IllegalArgumentException("unsupported key derivation '" + algorithm + "', expected " + ARGON2ID);
        }
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("argon2id parallelism must be 1.." + MAX_PARALLELISM + ", got " + parallelism);
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("argon2id iterations must be 1.." + MAX_ITERATIONS + ", got " + iterations);
        }
        // Argon2 needs at least 8 KiB per lane.
        if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("argon2id memory must be " + 8 * parallelism + ".." + MAX_MEMORY_KIB
                    + " KiB, got " + memoryKiB);
        }
    }
}
