package io.lifeboat.repository;

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
 * unaffected. Thread safe.
 */
final class CompressionPace {
    static final int FAST_LEVEL = 1;

    private final int normal;
    private final int slots;
    private volatile boolean pressed;
    private final LongAdder fastBlobs = new LongAdder();

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

    /** Blobs encoded at the fast level so far. */
    long fastBlobs() {
        return fastBlobs.sum();
    }
}
