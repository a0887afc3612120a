package io.lifeboat.repository.crypto;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.repository.buffer.ArrayPool;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;

/**
 * The flagged body inside every sealed object: {@code flag ‖ payload}, with flag {@link #RAW} or
 * {@link #ZSTD} (see the package documentation). Thread safe.
 *
 * <p>zstd compression contexts and their output buffers are pooled: a fresh context per call
 * costs a large allocation and table initialisation, noticeable at 64 KiB chunks. The pool is
 * a bounded queue rather than a ThreadLocal so that short-lived virtual threads share it. The
 * native contexts are freed when this object becomes unreachable.
 */
final class Compression {
    static final byte RAW = 0;
    static final byte ZSTD = 1;
    /**
     * zstd's own default. Measured on one Xeon vCPU (bench corpus, 2:1 text, 1 MiB chunks):
     * level 3 ≈ 165 MiB/s, level 1 ≈ 344 MiB/s for 6% more output (stored/plain 0.479 vs
     * 0.509); on Java sources (5:1) 307 vs 423 MiB/s for 6% more. zstd dominates the backup
     * pipeline on compressible data; backups drop to level 1 while it is their bottleneck
     * ({@code CompressionPace}).
     */
    static final int DEFAULT_LEVEL = 3;
    /** Payloads from this size on are sampled before they are compressed ({@link #looksIncompressible}). */
    static final int SAMPLE_MIN_PAYLOAD = 256 * 1024;
    static final int SAMPLE = 8 * 1024;
    /**
     * A sample that zstd cannot shrink below this share of its size counts as incompressible.
     * Random bytes come out at 100% and more; payloads that compress at all compress far better.
     */
    static final int INCOMPRESSIBLE_PERCENT = 98;
    /** Output buffers beyond this size (an 8 MiB chunk plus bound) are not kept after use. */
    private static final int KEEP_SCRATCH = 9 * 1024 * 1024;
    /** Largest array a JVM hands out. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;
    /**
     * Decompression contexts for the bodies in direct buffers ({@link #payloadInto}, {@link #payloadEquals}),
     * kept between blobs: zstd's one-shot call makes and frees one per call.
     */
    private static final BlockingQueue<ZstdDecompressCtx> DECOMPRESSORS = new ArrayBlockingQueue<>(8);
    /** Frees pooled native contexts; zstd-jni contexts have no finalizer of their own. */
    private static final Cleaner CLEANER = Cleaner.create();

    private final int level;
    private final BlockingQueue<Slot> idle;

    Compression(int level) {
        checkLevel(level);
        this.level = level;
        BlockingQueue<Slot> pool = new ArrayBlockingQueue<>(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
        this.idle = pool;
        CLEANER.register(this, () -> pool.forEach(slot -> slot.ctx.close()));
    }

    int level() {
        return level;
    }

    /**
     * Checks {@code level}; as the first use of zstd in every codec, also turns a native library
     * that cannot be loaded into an error that says so, instead of an {@link UnsatisfiedLinkError}'s
     * stack trace.
     */
    static void checkLevel(int level) {
        int min;
        int max;
        try {
            min = Zstd.minCompressionLevel();
            max = Zstd.maxCompressionLevel();
        } catch (LinkageError e) {
            String path = System.getProperty("ZstdNativePath");
            throw new LifeboatException(ErrorCode.INTERNAL, "zstd's native library cannot be loaded"
                    + (path == null ? "" : " from " + path) + ": " + e.getMessage(),
                    path == null ? "zstd unpacks its library into java.io.tmpdir (" + System.getProperty("java.io.tmpdir")
                            + "), which must be writable and allow executables; or run through ./lifeboat, which loads"
                            + " the copy the build unpacked beside the jar"
                            : "-DZstdNativePath must name the libzstd-jni library the build unpacked beside lifeboat.jar"
                                    + " (lifeboat-cli/target/native/linux/<arch>/); rebuild, or leave the option out",
                    e);
        }
        if (level < min || level > max) {
            throw new IllegalArgumentException("zstd level must be " + min + ".." + max + ", got " + level);
        }
    }

    /** Receives a body that is valid only during the call. */
    @FunctionalInterface
    interface BodySink<T> {
        T accept(byte[] body, int length);
    }

    /**
     * Builds the body of {@code src[off, off+len)} (compressed when that is smaller) and hands it
     * to {@code sink}; returns what the sink returns.
     */
    <T> T withBody(byte[] src, int off, int len, BodySink<T> sink) {
        return withBody(src, off, len, level, sink);
    }

    /** As {@link #withBody(byte[], int, int, BodySink)}, compressing at {@code zstdLevel} instead. */
    <T> T withBody(byte[] src, int off, int len, int zstdLevel, BodySink<T> sink) {
        return withBody(src, off, len, zstdLevel, null, sink);
    }

    /**
     * As {@link #withBody(byte[], int, int, int, BodySink)}, building the body in an array from
     * {@code pool} (given back before this returns) instead of the context's own when a pool is
     * given: a backup's arrays then serve as chunks, bodies and sealed blobs in turn, and an
     * encoder that waits holds none (two idle 8 MiB bodies were a tenth of a 256 MiB heap).
     */
    <T> T withBody(byte[] src, int off, int len, int zstdLevel, ArrayPool pool, BodySink<T> sink) {
        Slot slot = idle.poll();
        if (slot == null) {
            slot = new Slot(zstdLevel);
        }
        byte[] body = null;
        try {
            slot.level(zstdLevel);
            long bound = Zstd.compressBound(len);
            body = slot.scratch(1 + (int) Math.min(Math.max(bound, len), MAX_ARRAY - 1), pool);
            int n = looksIncompressible(slot, src, off, len, body) ? len
                    : slot.ctx.compressByteArray(body, 1, body.length - 1, src, off, len);
            if (n < len) {
                body[0] = ZSTD;
            } else {
                body[0] = RAW;
                System.arraycopy(src, off, body, 1, len);
                n = len;
            }
            return sink.accept(body, 1 + n);
        } finally {
            release(slot, body, pool);
        }
    }

    /** As {@link #withBody(byte[], int, int, BodySink)}, without trying to compress: the body is flagged {@link #RAW}. */
    <T> T withRawBody(byte[] src, int off, int len, BodySink<T> sink) {
        return withRawBody(src, off, len, null, sink);
    }

    /** As {@link #withRawBody(byte[], int, int, BodySink)}, with the body in an array from {@code pool} when given. */
    <T> T withRawBody(byte[] src, int off, int len, ArrayPool pool, BodySink<T> sink) {
        Slot slot = idle.poll();
        if (slot == null) {
            slot = new Slot(level);
        }
        byte[] body = null;
        try {
            body = slot.scratch(1 + len, pool);
            body[0] = RAW;
            System.arraycopy(src, off, body, 1, len);
            return sink.accept(body, 1 + len);
        } finally {
            release(slot, body, pool);
        }
    }

    /**
     * Whether three samples of a large payload (start, middle, end) all fail to compress and its
     * bytes spread over the whole payload look random, so that compressing it would be wasted
     * work: random data, and data compressed already (images, archives, compressed dumps) cost
     * zstd as much time as text does. A compressible first sample, the common case, costs one
     * small extra compression. The samples are compressed into {@code scratch}, which is
     * overwritten afterwards anyway.
     *
     * <p>The spread check is there because the three samples alone are biased: cut points fall
     * where the content varies, so the first and last samples of a chunk of mixed content (random
     * blocks among zeros: sparse and preallocated files, disk images) land on its random parts,
     * and the middle one alone decided. With 64 KiB of random bytes at the start of every
     * mebibyte, a third of such chunks were stored uncompressed, 16 times their compressed size.
     */
    private static boolean looksIncompressible(Slot slot, byte[] src, int off, int len, byte[] scratch) {
        if (len < SAMPLE_MIN_PAYLOAD) {
            return false;
        }
        int[] starts = {off, off + len / 2 - SAMPLE / 2, off + len - SAMPLE};
        for (int start : starts) {
            long n = slot.ctx.compressByteArray(scratch, 1, scratch.length - 1, src, start, SAMPLE);
            if (n < (long) SAMPLE * INCOMPRESSIBLE_PERCENT / 100) {
                return false;
            }
        }
        return spreadEntropyBits(src, off, len) >= RANDOM_ENTROPY_BITS;
    }

    /** Bytes the spread check reads from a payload. */
    static final int SPREAD_BYTES = 4096;
    /**
     * The order-0 entropy, in bits per byte, from which {@link #SPREAD_BYTES} spread bytes count as
     * random: 4096 random bytes measure about 7.95; with a fifth of the payload zeros it is about
     * 7.1, and compression would save a fifth.
     */
    static final double RANDOM_ENTROPY_BITS = 7.5;

    /**
     * The order-0 entropy (bits per byte) of {@link #SPREAD_BYTES} bytes of {@code src[off,
     * off+len)} taken at an odd stride, so that no period of a power of two in the content lines
     * up with them.
     */
    static double spreadEntropyBits(byte[] src, int off, int len) {
        int stride = Math.max(1, len / SPREAD_BYTES) | 1;
        int[] counts = new int[256];
        int n = 0;
        for (int i = 0; i < len && n < SPREAD_BYTES; i += stride, n++) {
            counts[src[off + i] & 0xff]++;
        }
        double sum = 0;
        for (int c : counts) {
            if (c > 0) {
                sum += c * Math.log(c);
            }
        }
        return (Math.log(n) - sum / n) / Math.log(2);
    }

    /** The payload of an authenticated body. */
    byte[] payload(byte[] body, Supplier<String> objectName) {
        if (body.length == 0) {
            throw damaged(objectName, "empty body");
        }
        return switch (body[0]) {
            case RAW -> Arrays.copyOfRange(body, 1, body.length);
            case ZSTD -> decompress(body, objectName);
            default -> throw damaged(objectName, "unknown body flag " + (body[0] & 0xff));
        };
    }

    /**
     * Whether the payload of {@code body}, an authenticated body in a direct buffer (position 0,
     * limit its length), equals {@code plain[off, off+len)}: compared in place, and decompressed
     * into a pooled direct buffer when compressed.
     */
    boolean payloadEquals(ByteBuffer body, byte[] plain, int off, int len, Supplier<String> objectName) {
        int n = body.limit();
        if (n == 0) {
            throw damaged(objectName, "empty body");
        }
        ByteBuffer expected = ByteBuffer.wrap(plain, off, len);
        return switch (body.get(0)) {
            case RAW -> n - 1 == len && body.slice(1, len).mismatch(expected) < 0;
            case ZSTD -> {
                int size = contentSize(Zstd.getDirectByteBufferFrameContentSize(body, 1, n - 1), objectName);
                if (size != len) {
                    yield false;
                }
                ByteBuffer out = DirectBuffers.take(len);
                ZstdDecompressCtx ctx = decompressor();
                try {
                    int got;
                    try {
                        got = ctx.decompressDirectByteBuffer(out, 0, len, body, 1, n - 1);
                    } catch (ZstdException e) {
                        throw damaged(objectName, "zstd: " + e.getMessage());
                    }
                    yield got == len && out.slice(0, len).mismatch(expected) < 0;
                } finally {
                    giveBack(ctx);
                    DirectBuffers.giveBack(out);
                }
            }
            default -> throw damaged(objectName, "unknown body flag " + (body.get(0) & 0xff));
        };
    }

    /**
     * The payload of an authenticated body in a direct buffer (position 0, limit its length), in
     * an array from {@code pool}: copied out when raw, decompressed into it (with a pooled zstd
     * context) when compressed.
     */
    BlobCodec.Plain payloadInto(ByteBuffer body, ArrayPool pool, Supplier<String> objectName) {
        int n = body.limit();
        if (n == 0) {
            throw damaged(objectName, "empty body");
        }
        switch (body.get(0)) {
            case RAW -> {
                byte[] out = pool.take(n - 1);
                body.get(1, out, 0, n - 1);
                return new BlobCodec.Plain(out, n - 1);
            }
            case ZSTD -> {
                int size = contentSize(Zstd.getDirectByteBufferFrameContentSize(body, 1, n - 1), objectName);
                byte[] out = pool.take(size);
                ZstdDecompressCtx ctx = decompressor();
                boolean done = false;
                try {
                    int got;
                    try {
                        got = ctx.decompressDirectByteBufferToByteArray(out, 0, size, body, 1, n - 1);
                    } catch (ZstdException e) {
                        throw damaged(objectName, "zstd: " + e.getMessage());
                    }
                    if (got != size) {
                        throw damaged(objectName, "zstd frame holds " + got + " bytes, its header says " + size);
                    }
                    done = true;
                    return new BlobCodec.Plain(out, size);
                } finally {
                    giveBack(ctx);
                    if (!done) {
                        pool.give(out);
                    }
                }
            }
            default -> throw damaged(objectName, "unknown body flag " + (body.get(0) & 0xff));
        }
    }

    private static byte[] decompress(byte[] body, Supplier<String> objectName) {
        int size = contentSize(Zstd.getFrameContentSize(body, 1, body.length - 1), objectName);
        byte[] plain = new byte[size];
        long n;
        try {
            n = Zstd.decompressByteArray(plain, 0, plain.length, body, 1, body.length - 1);
        } catch (ZstdException e) {
            throw damaged(objectName, "zstd: " + e.getMessage());
        }
        if (Zstd.isError(n)) {
            throw damaged(objectName, "zstd: " + Zstd.getErrorName(n));
        }
        if (n != size) {
            throw damaged(objectName, "zstd frame holds " + n + " bytes, its header says " + size);
        }
        return plain;
    }

    /** A decompression context from those kept between blobs, or a new one. */
    private static ZstdDecompressCtx decompressor() {
        ZstdDecompressCtx ctx = DECOMPRESSORS.poll();
        return ctx != null ? ctx : new ZstdDecompressCtx();
    }

    /** Keeps {@code ctx} for the next blob, or frees it when enough are kept. */
    private static void giveBack(ZstdDecompressCtx ctx) {
        if (!DECOMPRESSORS.offer(ctx)) {
            ctx.close();
        }
    }

    /** The size a zstd frame's header gives its content, when it gives one that fits an array. */
    private static int contentSize(long size, Supplier<String> objectName) {
        if (size < 0 || size > MAX_ARRAY) {
            throw damaged(objectName, "zstd frame without a valid content size");
        }
        return (int) size;
    }

    /** Returns the slot to the idle ones, and {@code body} to {@code pool} when it came from there. */
    private void release(Slot slot, byte[] body, ArrayPool pool) {
        if (pool != null && body != null) {
            pool.give(body);
        }
        if (slot.scratch != null && slot.scratch.length > KEEP_SCRATCH) {
            slot.scratch = null;
        }
        if (!idle.offer(slot)) {
            slot.ctx.close();
        }
    }

    /**
     * Decompression runs only on authenticated data, so these failures mean a bug or a format
     * this version does not know, not tampering; they are reported as damage all the same.
     */
    private static LifeboatException damaged(Supplier<String> objectName, String why) {
        return new LifeboatException(ErrorCode.DAMAGED_DATA, objectName.get() + ": cannot decompress (" + why + ")",
                BlobCodec.DAMAGE_HINT);
    }

    /** A compression context and its output buffer, used by one thread at a time. */
    private static final class Slot {
        final ZstdCompressCtx ctx;
        int level;
        byte[] scratch;

        Slot(int level) {
            ctx = new ZstdCompressCtx().setLevel(level).setContentSize(true).setChecksum(false);
            this.level = level;
        }

        /** Sets the level for the next frames (a parameter of the context, kept until changed). */
        void level(int wanted) {
            if (wanted != level) {
                ctx.setLevel(wanted);
                level = wanted;
            }
        }

        /** An output array of at least {@code size} bytes: from {@code pool} when given, else the slot's own. */
        byte[] scratch(int size, ArrayPool pool) {
            if (pool != null) {
                return pool.take(size);
            }
            if (scratch == null || scratch.length < size) {
                scratch = new byte[size];
            }
            return scratch;
        }
    }
}
