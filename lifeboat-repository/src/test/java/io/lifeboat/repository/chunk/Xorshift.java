package io.lifeboat.repository.chunk;

/**
 * Deterministic test bytes from xorshift64*, written out here so that pinned expectations do not
 * depend on the JDK's random number algorithms.
 */
public final class Xorshift {
    private long state;

    public Xorshift(long seed) {
        this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
    }

    public long nextLong() {
        state ^= state >>> 12;
        state ^= state << 25;
        state ^= state >>> 27;
        return state * 0x2545F4914F6CDD1DL;
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        return (int) Math.floorMod(nextLong() >>> 1, (long) bound);
    }

    public void fill(byte[] dst) {
        int i = 0;
        for (; i + 8 <= dst.length; i += 8) {
            long v = nextLong();
            for (int k = 0; k < 8; k++) {
                dst[i + k] = (byte) (v >>> (8 * k));
            }
        }
        long v = nextLong();
        for (int k = 0; i < dst.length; i++, k++) {
            dst[i] = (byte) (v >>> (8 * k));
        }
    }

    public static byte[] bytes(long seed, int length) {
        byte[] b = new byte[length];
        new Xorshift(seed).fill(b);
        return b;
    }
}
