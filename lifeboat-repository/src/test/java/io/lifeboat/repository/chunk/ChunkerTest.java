package io.lifeboat.repository.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.source.ChunkingProfile;
import io.lifeboat.repository.buffer.ArrayPool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ChunkerTest {
    private static final byte[] SEED = seed(0);
    private static final int MIB = 1024 * 1024;

    /**
     * Pinned cut points. If this fails, the chunker no longer cuts existing data where it used
     * to, and every repository loses deduplication against its previous backups: change the
     * expectation only together with a repository format version.
     */
    @Test
    void filesProfileCutPointsArePinned() {
        byte[] data = Xorshift.bytes(42, 24 * MIB);
        assertThat(cuts(new Chunker(SEED, ChunkingProfile.FILES), data)).containsExactly(
                1588131, 1108526, 1050243, 1592858, 1099666, 1065480, 1287773, 1144034, 1086033, 1071554, 1208654,
                538643, 1061461, 1176549, 1174893, 1308053, 1751357, 1167281, 1526794, 1059630, 1098211);
    }

    /** See {@link #filesProfileCutPointsArePinned()}. */
    @Test
    void dumpsProfileCutPointsArePinned() {
        byte[] data = Xorshift.bytes(42, 6 * MIB);
        assertThat(cuts(new Chunker(SEED, ChunkingProfile.DUMPS), data)).containsExactly(
                268270, 435021, 352345, 283741, 248754, 274299, 313808, 288779, 231640, 312140, 478232, 370260,
                551465, 282188, 269093, 313203, 333513, 271311, 325106, 88288);
    }

    @Test
    void chunksStayWithinMinAndMaxExceptTheLast() throws IOException {
        for (ChunkingProfile p : List.of(ChunkingProfile.FILES, ChunkingProfile.DUMPS)) {
            for (long dataSeed = 1; dataSeed <= 3; dataSeed++) {
                byte[] data = Xorshift.bytes(dataSeed, 20 * MIB + (int) dataSeed * 12345);
                List<byte[]> chunks = streamChunks(new Chunker(SEED, p), new ByteArrayInputStream(data));
                assertThat(chunks).hasSizeGreaterThan(2);
                for (byte[] c : chunks.subList(0, chunks.size() - 1)) {
                    assertThat(c.length).as(p.name()).isBetween(p.min(), p.max());
                }
                assertThat(chunks.getLast().length).isBetween(1, p.max());
                assertThat(concat(chunks)).isEqualTo(data);
            }
        }
    }

    @Test
    void dataWithoutCutPointsIsCutAtMax() throws IOException {
        // Constant input drives the gear hash to a constant; this seed's table never matches it.
        ChunkingProfile p = ChunkingProfile.DUMPS;
        byte[] zeros = new byte[5 * p.max() + 7];
        List<byte[]> chunks = streamChunks(new Chunker(SEED, p), new ByteArrayInputStream(zeros));
        assertThat(chunks).extracting(c -> c.length).containsExactly(p.max(), p.max(), p.max(), p.max(), p.max(), 7);
    }

    @Test
    void concatenationOfChunksEqualsInput() throws IOException {
        for (int size : new int[] {0, 1, 1000, ChunkingProfile.DUMPS.min(), ChunkingProfile.DUMPS.min() + 1, 3 * MIB + 5}) {
            byte[] data = Xorshift.bytes(size, size);
            List<byte[]> chunks = streamChunks(new Chunker(SEED, ChunkingProfile.DUMPS), new ByteArrayInputStream(data));
            assertThat(concat(chunks)).isEqualTo(data);
            assertThat(chunks).allSatisfy(c -> assertThat(c).isNotEmpty());
        }
    }

    @Test
    void differentSeedGivesDifferentCuts() {
        byte[] data = Xorshift.bytes(5, 8 * MIB);
        List<Integer> a = cuts(new Chunker(SEED, ChunkingProfile.DUMPS), data);
        List<Integer> b = cuts(new Chunker(seed(1), ChunkingProfile.DUMPS), data);
        assertThat(a).isNotEqualTo(b);
        // Not just shifted a little: no interior cut point is shared.
        assertThat(offsets(a).subList(0, a.size() - 1)).doesNotContainAnyElementsOf(offsets(b).subList(0, b.size() - 1));
    }

    @Test
    void insertingOneByteAtTheStartChangesOnlyTheFirstChunks() {
        for (ChunkingProfile p : List.of(ChunkingProfile.FILES, ChunkingProfile.DUMPS)) {
            for (long dataSeed = 11; dataSeed <= 13; dataSeed++) {
                byte[] data = Xorshift.bytes(dataSeed, 20 * MIB);
                byte[] shifted = new byte[data.length + 1];
                shifted[0] = (byte) dataSeed;
                System.arraycopy(data, 0, shifted, 1, data.length);
                Chunker chunker = new Chunker(SEED, p);
                List<Integer> before = cuts(chunker, data);
                List<Integer> after = cuts(chunker, shifted);

                int common = commonSuffix(before, after);
                assertThat(before.size() - common).as(p.name() + " chunks changed before").isBetween(1, 2);
                assertThat(after.size() - common).as(p.name() + " chunks changed after").isBetween(1, 2);
                assertThat(common).isGreaterThan(before.size() / 2);
            }
        }
    }

    @Test
    void chunkStreamWithTinyReadsCutsLikeCutOnTheWholeArray() throws IOException {
        byte[] data = Xorshift.bytes(77, 20 * MIB + 3);
        Chunker chunker = new Chunker(SEED, ChunkingProfile.DUMPS);
        Xorshift readSizes = new Xorshift(3);
        InputStream trickle = new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + readSizes.nextInt(97)));
            }
        };
        List<Integer> streamed = streamChunks(chunker, trickle).stream().map(c -> c.length).toList();
        assertThat(streamed).isEqualTo(cuts(chunker, data));
    }

    @Test
    void pooledChunksCutAndCopyLikeFreshOnesAndTheBufferGoesBackOnClose() throws IOException {
        byte[] data = Xorshift.bytes(78, 12 * MIB + 5);
        Chunker chunker = new Chunker(SEED, ChunkingProfile.DUMPS);
        ArrayPool pool = new ArrayPool(64L * MIB);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        List<Integer> lengths = new ArrayList<>();
        try (ChunkStream s = chunker.open(new ByteArrayInputStream(data), pool)) {
            for (ChunkStream.PooledChunk c = s.nextPooled(); c != null; c = s.nextPooled()) {
                assertThat(c.array().length).isGreaterThanOrEqualTo(c.length());
                joined.write(c.array(), 0, c.length());
                lengths.add(c.length());
                pool.give(c.array()); // and reused by the next chunk of its size class
            }
            assertThat(s.position()).isEqualTo(data.length);
        }
        assertThat(lengths).isEqualTo(cuts(chunker, data));
        assertThat(joined.toByteArray()).isEqualTo(data);
        // The read buffer (grown to twice the maximum chunk) is back in the pool.
        assertThat(pool.kept()).isGreaterThanOrEqualTo(2L * ChunkingProfile.DUMPS.max());
    }

    @Test
    void positionCountsTheBytesReturned() throws IOException {
        byte[] data = Xorshift.bytes(8, 2 * MIB);
        try (ChunkStream s = new Chunker(SEED, ChunkingProfile.DUMPS).open(new ByteArrayInputStream(data))) {
            long expected = 0;
            assertThat(s.position()).isZero();
            for (byte[] c = s.next(); c != null; c = s.next()) {
                expected += c.length;
                assertThat(s.position()).isEqualTo(expected);
            }
            assertThat(s.position()).isEqualTo(data.length);
            assertThat(s.next()).isNull();
        }
    }

    @Test
    void closingTheChunkStreamClosesTheInput() throws IOException {
        AtomicBoolean closed = new AtomicBoolean();
        InputStream in = new ByteArrayInputStream(new byte[10]) {
            @Override
            public void close() {
                closed.set(true);
            }
        };
        new Chunker(SEED, ChunkingProfile.DUMPS).open(in).close();
        assertThat(closed).isTrue();
    }

    @Test
    void cutReturnsEverythingUpToMin() {
        Chunker chunker = new Chunker(SEED, ChunkingProfile.DUMPS);
        byte[] data = Xorshift.bytes(9, ChunkingProfile.DUMPS.min());
        assertThat(chunker.cut(data, 0, data.length)).isEqualTo(data.length);
        assertThat(chunker.cut(data, 10, 20)).isEqualTo(20);
        assertThat(chunker.cut(data, 0, 0)).isZero();
    }

    @Test
    void cutDependsOnlyOnTheBytesFromOffset() {
        byte[] data = Xorshift.bytes(10, 4 * MIB);
        Chunker chunker = new Chunker(SEED, ChunkingProfile.DUMPS);
        byte[] padded = new byte[data.length + 1000];
        new Xorshift(99).fill(padded);
        System.arraycopy(data, 0, padded, 1000, data.length);
        assertThat(chunker.cut(padded, 1000, data.length)).isEqualTo(chunker.cut(data, 0, data.length));
    }

    @Test
    void seedMustBe32Bytes() {
        assertThatThrownBy(() -> new Chunker(new byte[16], ChunkingProfile.FILES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
    }

    static byte[] seed(int first) {
        byte[] s = new byte[32];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) (first + i);
        }
        return s;
    }

    private static List<Integer> cuts(Chunker chunker, byte[] data) {
        List<Integer> lengths = new ArrayList<>();
        for (int off = 0; off < data.length; ) {
            int n = chunker.cut(data, off, data.length - off);
            lengths.add(n);
            off += n;
        }
        return lengths;
    }

    private static List<Long> offsets(List<Integer> lengths) {
        List<Long> ends = new ArrayList<>();
        long end = 0;
        for (int n : lengths) {
            end += n;
            ends.add(end);
        }
        return ends;
    }

    private static int commonSuffix(List<Integer> a, List<Integer> b) {
        int n = 0;
        while (n < a.size() && n < b.size() && a.get(a.size() - 1 - n).equals(b.get(b.size() - 1 - n))) {
            n++;
        }
        return n;
    }

    private static List<byte[]> streamChunks(Chunker chunker, InputStream in) throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        try (ChunkStream s = chunker.open(in)) {
            for (byte[] c = s.next(); c != null; c = s.next()) {
                chunks.add(c);
            }
        }
        return chunks;
    }

    private static byte[] concat(List<byte[]> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
