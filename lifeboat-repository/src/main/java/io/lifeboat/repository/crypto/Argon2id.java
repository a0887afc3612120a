package io.lifeboat.repository.crypto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * Argon2id, version 1.3, as RFC 9106 specifies it, with the lanes filled in parallel.
 *
 * <p>Every command that opens a repository derives its key first, so this is on the critical
 * path of all of them. The library implementation it replaces filled the lanes one after the
 * other and kept its memory as 65,536 objects of 1 KiB, which the garbage collector copied
 * between generations while the derivation ran (a 110 ms pause in a one-second command). Here
 * the memory is one array, allocated outside the young generation, and the lanes of each slice
 * run on up to as many threads as there are cores: the RFC makes the lanes of a slice
 * independent for exactly that reason. The output is the same for any number of threads; the
 * tests compare it with the RFC's test vector and with an independent implementation.
 */
final class Argon2id {
    private static final int BLOCK_BYTES = 1024;
    private static final int QWORDS = BLOCK_BYTES / 8;
    private static final int SYNC_POINTS = 4;
    private static final int VERSION = 0x13;
    private static final int TYPE_ID = 2;
    private static final long M32 = 0xFFFFFFFFL;

    private final int lanes;
    private final int laneLength;
    private final int segmentLength;
    private final int iterations;
    private final int totalBlocks;
    /** All blocks, block {@code b} at {@code [b * 128, b * 128 + 128)}. */
    private final long[] memory;

    private Argon2id(int memoryKiB, int iterations, int lanes) {
        this.lanes = lanes;
        this.iterations = iterations;
        int blocks = Math.max(memoryKiB, 2 * SYNC_POINTS * lanes);
        this.segmentLength = blocks / (lanes * SYNC_POINTS);
        this.laneLength = segmentLength * SYNC_POINTS;
        this.totalBlocks = laneLength * lanes;
        this.memory = new long[Math.multiplyExact(totalBlocks, QWORDS)];
    }

    /**
     * The Argon2id tag of {@code password} and {@code salt}.
     *
     * @param secret the optional key K of the RFC (empty for none)
     * @param associated the optional associated data X of the RFC (empty for none)
     * @param threads at most this many threads fill lanes at once (1: only the caller's)
     */
    static byte[] hash(byte[] password, byte[] salt, byte[] secret, byte[] associated, int memoryKiB, int iterations,
            int lanes, int tagLength, int threads) {
        if (lanes < 1 || iterations < 1 || tagLength < 4 || threads < 1 || memoryKiB < 8 * lanes) {
            throw new IllegalArgumentException("invalid Argon2 parameters: m=" + memoryKiB + " t=" + iterations + " p="
                    + lanes + " T=" + tagLength);
        }
        Argon2id a = new Argon2id(memoryKiB, iterations, lanes);
        try {
            a.initialBlocks(h0(password, salt, secret, associated, memoryKiB, iterations, lanes, tagLength));
            a.fill(Math.min(threads, lanes));
            long[] last = new long[QWORDS];
            for (int lane = 0; lane < lanes; lane++) {
                int off = (lane * a.laneLength + a.laneLength - 1) * QWORDS;
                for (int i = 0; i < QWORDS; i++) {
                    last[i] ^= a.memory[off + i];
                }
            }
            byte[] lastBytes = toBytes(last);
            byte[] tag = hPrime(tagLength, lastBytes);
            Arrays.fill(last, 0);
            Arrays.fill(lastBytes, (byte) 0);
            return tag;
        } finally {
            Arrays.fill(a.memory, 0);
        }
    }

    private static byte[] h0(byte[] password, byte[] salt, byte[] secret, byte[] associated, int memoryKiB,
            int iterations, int lanes, int tagLength) {
        Blake2bDigest d = new Blake2bDigest(512);
        for (int v : new int[] {lanes, tagLength, memoryKiB, iterations, VERSION, TYPE_ID}) {
            le32(d, v);
        }
        for (byte[] field : new byte[][] {password, salt, secret, associated}) {
            le32(d, field.length);
            d.update(field, 0, field.length);
        }
        byte[] h = new byte[72]; // H0, then room for the two 32-bit words of the first blocks
        d.doFinal(h, 0);
        return h;
    }

    /** The first two blocks of every lane: H'(H0 ‖ LE32(j) ‖ LE32(lane)). */
    private void initialBlocks(byte[] h0) {
        ByteBuffer tail = ByteBuffer.wrap(h0, 64, 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int lane = 0; lane < lanes; lane++) {
            for (int j = 0; j < 2; j++) {
                tail.putInt(64, j).putInt(68, lane);
                byte[] block = hPrime(BLOCK_BYTES, h0);
                ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer()
                        .get(memory, (lane * laneLength + j) * QWORDS, QWORDS);
                Arrays.fill(block, (byte) 0);
            }
        }
        Arrays.fill(h0, (byte) 0);
    }

    /** Fills every block: passes, slices, and the lanes of a slice on {@code threads} threads. */
    private void fill(int threads) {
        CyclicBarrier sliceDone = new CyclicBarrier(threads);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> helpers = new ArrayList<>();
        for (int k = 1; k < threads; k++) {
            int first = k;
            helpers.add(Thread.ofPlatform().daemon().name("argon2-" + k).start(() -> fillLanes(first, threads, sliceDone, failure)));
        }
        fillLanes(0, threads, sliceDone, failure);
        for (Thread t : helpers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during key derivation", e);
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException("key derivation failed", failure.get());
        }
    }

    /** The lanes {@code first}, {@code first + step}, ... of every slice, waiting for the others after each slice. */
    private void fillLanes(int first, int step, CyclicBarrier sliceDone, AtomicReference<Throwable> failure) {
        Scratch s = new Scratch();
        try {
            for (int pass = 0; pass < iterations; pass++) {
                for (int slice = 0; slice < SYNC_POINTS; slice++) {
                    for (int lane = first; lane < lanes; lane += step) {
                        fillSegment(s, pass, lane, slice);
                    }
                    sliceDone.await();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.compareAndSet(null, e);
            sliceDone.reset();
        } catch (BrokenBarrierException e) {
            failure.compareAndSet(null, e);
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e);
            sliceDone.reset();
        }
    }

    /** Per-thread working blocks. */
    private static final class Scratch {
        final long[] r = new long[QWORDS];
        final long[] tmp = new long[QWORDS];
        final long[] address = new long[QWORDS];
        final long[] input = new long[QWORDS];
    }

    private void fillSegment(Scratch s, int pass, int lane, int slice) {
        boolean independent = pass == 0 && slice < SYNC_POINTS / 2;
        int start = pass == 0 && slice == 0 ? 2 : 0;
        if (independent) {
            Arrays.fill(s.input, 0);
            s.input[0] = pass;
            s.input[1] = lane;
            s.input[2] = slice;
            s.input[3] = totalBlocks;
            s.input[4] = iterations;
            s.input[5] = TYPE_ID;
            if (start == 2) {
                nextAddresses(s);
            }
        }
        int curr = lane * laneLength + slice * segmentLength + start;
        int prev = curr % laneLength == 0 ? curr + laneLength - 1 : curr - 1;
        for (int i = start; i < segmentLength; i++, curr++, prev++) {
            if (curr % laneLength == 1) {
                prev = curr - 1;
            }
            long pseudoRandom;
            if (independent) {
                if (i % QWORDS == 0) {
                    nextAddresses(s);
                }
                pseudoRandom = s.address[i % QWORDS];
            } else {
                pseudoRandom = memory[prev * QWORDS];
            }
            int refLane = pass == 0 && slice == 0 ? lane : (int) ((pseudoRandom >>> 32) % lanes);
            int refIndex = referenceIndex(pass, slice, i, pseudoRandom & 0xFFFFFFFFL, refLane == lane);
            compress(s, memory, prev * QWORDS, (refLane * laneLength + refIndex) * QWORDS, memory, curr * QWORDS, pass > 0);
        }
    }

    /** The next block of pseudo-random reference positions: G(0, G(0, input)), after counting the input up. */
    private static void nextAddresses(Scratch s) {
        s.input[6]++;
        compressWithZero(s, s.input, s.address);
        compressWithZero(s, s.address, s.address);
    }

    /** The index within the reference lane that {@code j1} (the low 32 bits) points to (RFC 9106, 3.4.1.2). */
    private int referenceIndex(int pass, int slice, int index, long j1, boolean sameLane) {
        long area;
        if (pass == 0) {
            if (slice == 0) {
                area = index - 1;
            } else if (sameLane) {
                area = (long) slice * segmentLength + index - 1;
            } else {
                area = (long) slice * segmentLength + (index == 0 ? -1 : 0);
            }
        } else {
            area = laneLength - segmentLength + (sameLane ? index - 1 : (index == 0 ? -1 : 0));
        }
        long x = (j1 * j1) >>> 32;
        long relative = area - 1 - ((area * x) >>> 32);
        long start = pass != 0 && slice != SYNC_POINTS - 1 ? (long) (slice + 1) * segmentLength : 0;
        return (int) ((start + relative) % laneLength);
    }

    /**
     * {@code out = G(prev, ref)}, or {@code out ^= G(prev, ref)} when {@code xorOut} (passes after
     * the first, version 1.3).
     */
    private static void compress(Scratch s, long[] mem, int prevOff, int refOff, long[] out, int outOff, boolean xorOut) {
        long[] r = s.r;
        long[] tmp = s.tmp;
        for (int i = 0; i < QWORDS; i++) {
            long v = mem[prevOff + i] ^ mem[refOff + i];
            r[i] = v;
            tmp[i] = xorOut ? v ^ out[outOff + i] : v;
        }
        permute(r);
        for (int i = 0; i < QWORDS; i++) {
            out[outOff + i] = tmp[i] ^ r[i];
        }
    }

    /** {@code out = G(0, y)}, as the address generator needs it; {@code y} may be {@code out}. */
    private static void compressWithZero(Scratch s, long[] y, long[] out) {
        long[] r = s.r;
        System.arraycopy(y, 0, r, 0, QWORDS);
        permute(r);
        for (int i = 0; i < QWORDS; i++) {
            out[i] = y[i] ^ r[i];
        }
    }

    /** The permutation P on the eight rows, then on the eight columns, of a block. */
    private static void permute(long[] r) {
        for (int i = 0; i < 8; i++) {
            int b = 16 * i;
            round(r, b, b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9, b + 10, b + 11, b + 12, b + 13, b + 14,
                    b + 15);
        }
        for (int i = 0; i < 8; i++) {
            int b = 2 * i;
            round(r, b, b + 1, b + 16, b + 17, b + 32, b + 33, b + 48, b + 49, b + 64, b + 65, b + 80, b + 81, b + 96, b + 97,
                    b + 112, b + 113);
        }
    }

    /**
     * The round of BLAKE2b as Argon2 uses it (its G with the multiplications) on the sixteen words at
     * the given indexes, with the words in locals and each G written out. Every command derives its
     * key on a fresh JVM, where most of this runs before the optimizing compiler is done with it:
     * written as a method per G, the first derivation in a new JVM took 424 ms (median of 8) and an
     * unchanged re-backup of the 2 GiB bench tree 1135 ms (median of 10); written out, 393 and 1063.
     */
    private static void round(long[] v, int i0, int i1, int i2, int i3, int i4, int i5, int i6, int i7,
            int i8, int i9, int i10, int i11, int i12, int i13, int i14, int i15) {
        long a0 = v[i0];
        long a1 = v[i1];
        long a2 = v[i2];
        long a3 = v[i3];
        long a4 = v[i4];
        long a5 = v[i5];
        long a6 = v[i6];
        long a7 = v[i7];
        long a8 = v[i8];
        long a9 = v[i9];
        long a10 = v[i10];
        long a11 = v[i11];
        long a12 = v[i12];
        long a13 = v[i13];
        long a14 = v[i14];
        long a15 = v[i15];
        // G(a0, a4, a8, a12)
        a0 += a4 + 2 * (a0 & M32) * (a4 & M32);
        a12 ^= a0;
        a12 = (a12 >>> 32) | (a12 << 32);
        a8 += a12 + 2 * (a8 & M32) * (a12 & M32);
        a4 ^= a8;
        a4 = (a4 >>> 24) | (a4 << 40);
        a0 += a4 + 2 * (a0 & M32) * (a4 & M32);
        a12 ^= a0;
        a12 = (a12 >>> 16) | (a12 << 48);
        a8 += a12 + 2 * (a8 & M32) * (a12 & M32);
        a4 ^= a8;
        a4 = (a4 >>> 63) | (a4 << 1);
        // G(a1, a5, a9, a13)
        a1 += a5 + 2 * (a1 & M32) * (a5 & M32);
        a13 ^= a1;
        a13 = (a13 >>> 32) | (a13 << 32);
        a9 += a13 + 2 * (a9 & M32) * (a13 & M32);
        a5 ^= a9;
        a5 = (a5 >>> 24) | (a5 << 40);
        a1 += a5 + 2 * (a1 & M32) * (a5 & M32);
        a13 ^= a1;
        a13 = (a13 >>> 16) | (a13 << 48);
        a9 += a13 + 2 * (a9 & M32) * (a13 & M32);
        a5 ^= a9;
        a5 = (a5 >>> 63) | (a5 << 1);
        // G(a2, a6, a10, a14)
        a2 += a6 + 2 * (a2 & M32) * (a6 & M32);
        a14 ^= a2;
        a14 = (a14 >>> 32) | (a14 << 32);
        a10 += a14 + 2 * (a10 & M32) * (a14 & M32);
        a6 ^= a10;
        a6 = (a6 >>> 24) | (a6 << 40);
        a2 += a6 + 2 * (a2 & M32) * (a6 & M32);
        a14 ^= a2;
        a14 = (a14 >>> 16) | (a14 << 48);
        a10 += a14 + 2 * (a10 & M32) * (a14 & M32);
        a6 ^= a10;
        a6 = (a6 >>> 63) | (a6 << 1);
        // G(a3, a7, a11, a15)
        a3 += a7 + 2 * (a3 & M32) * (a7 & M32);
        a15 ^= a3;
        a15 = (a15 >>> 32) | (a15 << 32);
        a11 += a15 + 2 * (a11 & M32) * (a15 & M32);
        a7 ^= a11;
        a7 = (a7 >>> 24) | (a7 << 40);
        a3 += a7 + 2 * (a3 & M32) * (a7 & M32);
        a15 ^= a3;
        a15 = (a15 >>> 16) | (a15 << 48);
        a11 += a15 + 2 * (a11 & M32) * (a15 & M32);
        a7 ^= a11;
        a7 = (a7 >>> 63) | (a7 << 1);
        // G(a0, a5, a10, a15)
        a0 += a5 + 2 * (a0 & M32) * (a5 & M32);
        a15 ^= a0;
        a15 = (a15 >>> 32) | (a15 << 32);
        a10 += a15 + 2 * (a10 & M32) * (a15 & M32);
        a5 ^= a10;
        a5 = (a5 >>> 24) | (a5 << 40);
        a0 += a5 + 2 * (a0 & M32) * (a5 & M32);
        a15 ^= a0;
        a15 = (a15 >>> 16) | (a15 << 48);
        a10 += a15 + 2 * (a10 & M32) * (a15 & M32);
        a5 ^= a10;
        a5 = (a5 >>> 63) | (a5 << 1);
        // G(a1, a6, a11, a12)
        a1 += a6 + 2 * (a1 & M32) * (a6 & M32);
        a12 ^= a1;
        a12 = (a12 >>> 32) | (a12 << 32);
        a11 += a12 + 2 * (a11 & M32) * (a12 & M32);
        a6 ^= a11;
        a6 = (a6 >>> 24) | (a6 << 40);
        a1 += a6 + 2 * (a1 & M32) * (a6 & M32);
        a12 ^= a1;
        a12 = (a12 >>> 16) | (a12 << 48);
        a11 += a12 + 2 * (a11 & M32) * (a12 & M32);
        a6 ^= a11;
        a6 = (a6 >>> 63) | (a6 << 1);
        // G(a2, a7, a8, a13)
        a2 += a7 + 2 * (a2 & M32) * (a7 & M32);
        a13 ^= a2;
        a13 = (a13 >>> 32) | (a13 << 32);
        a8 += a13 + 2 * (a8 & M32) * (a13 & M32);
        a7 ^= a8;
        a7 = (a7 >>> 24) | (a7 << 40);
        a2 += a7 + 2 * (a2 & M32) * (a7 & M32);
        a13 ^= a2;
        a13 = (a13 >>> 16) | (a13 << 48);
        a8 += a13 + 2 * (a8 & M32) * (a13 & M32);
        a7 ^= a8;
        a7 = (a7 >>> 63) | (a7 << 1);
        // G(a3, a4, a9, a14)
        a3 += a4 + 2 * (a3 & M32) * (a4 & M32);
        a14 ^= a3;
        a14 = (a14 >>> 32) | (a14 << 32);
        a9 += a14 + 2 * (a9 & M32) * (a14 & M32);
        a4 ^= a9;
        a4 = (a4 >>> 24) | (a4 << 40);
        a3 += a4 + 2 * (a3 & M32) * (a4 & M32);
        a14 ^= a3;
        a14 = (a14 >>> 16) | (a14 << 48);
        a9 += a14 + 2 * (a9 & M32) * (a14 & M32);
        a4 ^= a9;
        a4 = (a4 >>> 63) | (a4 << 1);
        v[i0] = a0;
        v[i1] = a1;
        v[i2] = a2;
        v[i3] = a3;
        v[i4] = a4;
        v[i5] = a5;
        v[i6] = a6;
        v[i7] = a7;
        v[i8] = a8;
        v[i9] = a9;
        v[i10] = a10;
        v[i11] = a11;
        v[i12] = a12;
        v[i13] = a13;
        v[i14] = a14;
        v[i15] = a15;
    }

    /** The variable-length hash H' of RFC 9106, 3.3. */
    static byte[] hPrime(int length, byte[] input) {
        byte[] out = new byte[length];
        if (length <= 64) {
            Blake2bDigest d = new Blake2bDigest(length * 8);
            le32(d, length);
            d.update(input, 0, input.length);
            d.doFinal(out, 0);
            return out;
        }
        int r = (length + 31) / 32 - 2;
        byte[] v = new byte[64];
        Blake2bDigest d = new Blake2bDigest(512);
        le32(d, length);
        d.update(input, 0, input.length);
        d.doFinal(v, 0);
        System.arraycopy(v, 0, out, 0, 32);
        for (int i = 1; i < r; i++) {
            d.update(v, 0, 64);
            d.doFinal(v, 0);
            System.arraycopy(v, 0, out, 32 * i, 32);
        }
        int rest = length - 32 * r;
        Blake2bDigest last = new Blake2bDigest(rest * 8);
        last.update(v, 0, 64);
        last.doFinal(out, 32 * r);
        Arrays.fill(v, (byte) 0);
        return out;
    }

    private static void le32(Blake2bDigest d, int v) {
        d.update((byte) v);
        d.update((byte) (v >>> 8));
        d.update((byte) (v >>> 16));
        d.update((byte) (v >>> 24));
    }

    private static byte[] toBytes(long[] block) {
        ByteBuffer b = ByteBuffer.allocate(block.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(block);
        return b.array();
    }
}
