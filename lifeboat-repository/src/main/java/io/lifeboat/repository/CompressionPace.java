package io.lifeboat.repository;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Chooses the zstd level of each blob of one backup: the source's level (its chunking profile's)
 * while the encoders keep up with the source, and {@link #FAST_LEVEL} while the source has to wait
 * for them.
 *
 * <p>When the source is slower than compression (a database dump, a network download, a slow
 * disk) the encoders idle between chunks and the better ratio costs no time. When the encoders
 * are the bottleneck, level 1 compresses about twice as fast as level 3 for some 5% more
 * output (bench corpus, one core). The switch has hysteresis: the fast level starts when the
 * source finds no free encoder slot and ends once at least half the slots are free again.
 * Blob ids and the stored format do not depend on the level, so deduplication and restores are
 * unaffected.
 *
 * <p>While the encoders are the bottleneck, blobs smaller than
 * {@link io.lifeboat.repository.crypto.BlobCodec#SAMPLED_FROM} (larger ones are sampled by the
 * codec, which is cheaper and decides per blob) are also stored uncompressed when the recent
 * compressed ones saved less than {@link #WORTH_SAVING_PERCENT}: float vectors (a Qdrant
 * snapshot's bulk) shrink only to about 88% at any level, and compressing them and decompressing
 * them again for verification costs about as much CPU as the rest of the pipeline together,
 * so a CPU-bound backup would run at half speed for a tenth less storage. Every
 * {@link #PROBE_EVERY}th blob is still compressed so the estimate follows the data (text after
 * vectors compresses again at once). A source slower than the encoders never triggers this: its
 * blobs are all compressed, at no cost in time. Thread safe.
 */
final class CompressionPace {
    static final int FAST_LEVEL = 1;
    /** Compression must save at least this share of the bytes to be worth its time under pressure. */
    static final int WORTH_SAVING_PERCENT = 15;
    /** Under pressure and with poor savings, one blob in this many is compressed all the same. */
    static final int PROBE_EVERY = 16;
    /** Weight of one blob in the moving estimate of the savings: 1 / 2^SHIFT. */
    private static final int SHIFT = 3;
    /** Fixed-point scale of the estimate. */
    private static final long ONE = 1 << 16;

    private final int normal;
    private final int slots;
    private volatile boolean pressed;
    private final LongAdder fastBlobs = new LongAdder();
    private final LongAdder rawBlobs = new LongAdder();
    private final AtomicLong skipped = new AtomicLong();
    /** Moving average of stored / plain of the compressed blobs, scaled by {@link #ONE}; starts at "compresses well". */
    private final AtomicLong ratio = new AtomicLong(0);

    /**
     * @param normal the source's level, used whenever the encoders keep up
     * @param slots how many chunks may wait for or be in an encoder at once
     */
    CompressionPace(int normal, int slots) {
        this.normal = normal;
        this.slots = slots;
    }

    /** The source found every slot taken and has to wait: the encoders are the bottleneck. */
    void sourceWaits() {
        pressed = true;
    }

    /** The source got a slot at once, and {@code free} slots remained. */
    void sourceProceeds(int free) {
        if (pressed && 2 * free >= slots) {
            pressed = false;
        }
    }

    /** The level for the blob about to be encoded. */
    int level() {
        if (pressed && normal > FAST_LEVEL) {
            fastBlobs.increment();
            return FAST_LEVEL;
        }
        return normal;
    }

    /**
     * Whether the blob about to be encoded is compressed at all: false while the source waits for
     * the encoders and compression has recently saved too little, except for every
     * {@link #PROBE_EVERY}th such blob.
     */
    boolean compresses() {
        if (!pressed || ratio.get() * 100 < (100 - WORTH_SAVING_PERCENT) * ONE) {
            return true;
        }
        if (skipped.incrementAndGet() % PROBE_EVERY == 0) {
            return true;
        }
        rawBlobs.increment();
        return false;
    }

    /** Records what compression made of a blob: {@code plain} bytes became a payload of {@code payload} bytes. */
    void compressed(int plain, int payload) {
        if (plain <= 0) {
            return;
        }
        long r = Math.min(ONE, (long) payload * ONE / plain);
        ratio.accumulateAndGet(r, (old, x) -> old + ((x - old) >> SHIFT));
    }

    /** Blobs stored uncompressed because compression saved too little while the encoders were the bottleneck. */
    long rawBlobs() {
        return rawBlobs.sum();
    }

    /** Blobs encoded at the fast level so far. */
    long fastBlobs() {
        return fastBlobs.sum();
    }
}
