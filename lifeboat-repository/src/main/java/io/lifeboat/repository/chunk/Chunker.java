package io.lifeboat.repository.chunk;

import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.repository.buffer.ArrayPool;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed FastCDC chunker of one repository and one {@link ChunkingProfile} (see the package
 * documentation for the algorithm). Immutable and thread safe; {@link #cut} is a pure function.
 */
public final class Chunker {
    static final int SEED_LENGTH = 32;
    /** Normalization level: the strict mask has two more bits than nominal, the loose two fewer. */
    private static final int NORMALIZATION = 2;
    private static final byte[] GEAR_LABEL = "lifeboat-gear-v1".getBytes(StandardCharsets.US_ASCII);

    private final ChunkingProfile profile;
    private final long[] gear;
    private final long maskS;
    private final long maskL;

    /**
     * @param seed32 the 32-byte chunker seed from the master key; not retained
     * @param profile chunk size parameters
     */
    public Chunker(byte[] seed32, ChunkingProfile profile) {
        Objects.requireNonNull(seed32, "seed32");
        if (seed32.length != SEED_LENGTH) {
            throw new IllegalArgumentException("chunker seed must be 32 bytes, got " + seed32.length);
        }
        this.profile = Objects.requireNonNull(profile, "profile");
        this.gear = gearTable(seed32);
        int bits = Integer.numberOfTrailingZeros(profile.average());
        this.maskS = topBits(Math.min(bits + NORMALIZATION, 63));
        this.maskL = topBits(Math.max(bits - NORMALIZATION, 1));
    }

    public ChunkingProfile profile() {
        return profile;
    }

    /**
     * Splits {@code in} into chunks, reading it through a buffer of at most twice the maximum
     * chunk size. The returned stream owns {@code in} and closes it.
     */
    public ChunkStream open(InputStream in) {
        return new ChunkStream(this, Objects.requireNonNull(in, "in"), null);
    }

    /** As {@link #open(InputStream)}, with the buffer and the chunks' arrays taken from {@code pool}. */
    public ChunkStream open(InputStream in, ArrayPool pool) {
        return new ChunkStream(this, Objects.requireNonNull(in, "in"), Objects.requireNonNull(pool, "pool"));
    }

    /**
     * The length of the chunk that starts at {@code off}, given {@code len} bytes available there.
     * When fewer than {@code max} bytes are available and no cut point is found, the answer is
     * {@code len}: the caller must pass at least {@code max} bytes unless they are the end of the
     * stream. Returns {@code len} when {@code len <= min}; a fixed-size profile returns
     * {@code min(len, max)} without looking at the bytes.
     */
    public int cut(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (profile.isFixed()) {
            // Every chunk but the last of a stream is exactly max bytes: cut points depend only on
            // the offset, so an unchanged aligned range always gives the same chunks.
            return Math.min(len, profile.max());
        }
        if (len <= profile.min()) {
            return len;
        }
        final long[] g = gear;
        final int end = off + Math.min(len, profile.max());
        int limit = off + Math.min(len, profile.average());
        long mask = maskS;
        long h = 0;
        int i = off + profile.min();
        // Two passes of the same loop: strict mask up to the normal size, then the loose one.
        while (true) {
            // Unrolled by hand: C2 does not unroll loops that have an exit inside.
            for (; i + 8 <= limit; i += 8) {
                h = (h << 1) + g[buf[i] & 0xff];
                if ((h & mask) == 0) return i + 1 - off;
                h = (h << 1) + g[buf[i + 1] & 0xff];
                if ((h & mask) == 0) return i + 2 - off;
                h = (h << 1) + g[buf[i + 2] & 0xff];
                if ((h & mask) == 0) return i + 3 - off;
                h = (h << 1) + g[buf[i + 3] & 0xff];
                if ((h & mask) == 0) return i + 4 - off;
                h = (h << 1) + g[buf[i + 4] & 0xff];
                if ((h & mask) == 0) return i + 5 - off;
                h = (h << 1) + g[buf[i + 5] & 0xff];
                if ((h & mask) == 0) return i + 6 - off;
                h = (h << 1) + g[buf[i + 6] & 0xff];
                if ((h & mask) == 0) return i + 7 - off;
                h = (h << 1) + g[buf[i + 7] & 0xff];
                if ((h & mask) == 0) return i + 8 - off;
            }
            for (; i < limit; i++) {
                h = (h << 1) + g[buf[i] & 0xff];
                if ((h & mask) == 0) return i + 1 - off;
            }
            if (limit == end) {
                return end - off;
            }
            limit = end;
            mask = maskL;
        }
    }

    private static long topBits(int n) {
        return -1L << (64 - n);
    }

    private static long[] gearTable(byte[] seed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(seed, "HmacSHA256"));
            ByteBuffer table = ByteBuffer.allocate(256 * Long.BYTES);
            for (int i = 0; table.hasRemaining(); i++) {
                mac.update(GEAR_LABEL);
                mac.update(ByteBuffer.allocate(Integer.BYTES).putInt(i).array());
                table.put(mac.doFinal());
            }
            long[] gear = new long[256];
            table.flip().asLongBuffer().get(gear);
            return gear;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
