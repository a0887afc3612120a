package io.lifeboat.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReadAheadTest {

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** Hands out at most {@code step} bytes per read, like a pipe. */
    private static InputStream trickle(byte[] data, int step) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    private static byte[] readAll(InputStream in, int bufferSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[bufferSize];
        for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    @Test
    void deliversEveryByteInOrderWhateverTheSizes() throws IOException {
        int[] sizes = {0, 1, ReadAhead.FIRST - 1, ReadAhead.FIRST, ReadAhead.FIRST + 1,
                ReadAhead.FIRST + ReadAhead.BLOCK, 5 * ReadAhead.BLOCK + 12_345};
        for (int size : sizes) {
            byte[] data = random(size, size);
            try (ReadAhead in = new ReadAhead(trickle(data, 65_536 + 17), 2 * ReadAhead.BLOCK)) {
                assertThat(readAll(in, 100_003)).as("size %d", size).isEqualTo(data);
                assertThat(in.read()).isEqualTo(-1);
                assertThat(in.readsAhead()).as("reader thread for size %d", size).isEqualTo(size >= ReadAhead.FIRST);
            }
        }
    }

    /**
     * Blocks are reused from stream to stream: streams read at once on several threads, some
     * closed halfway, must each still see exactly their own bytes.
     */
    @Test
    void streamsReadAtOnceEachSeeTheirOwnBytesWhileBlocksAreReused() throws Exception {
        int threads = 4;
        int rounds = 12;
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int round = 0; round < rounds; round++) {
                        long seed = thread * 1000L + round;
                        byte[] data = random(ReadAhead.FIRST / 2 + (int) (seed % 7) * ReadAhead.BLOCK + 777, seed);
                        try (ReadAhead in = new ReadAhead(trickle(data, 200_000 + thread), 3 * ReadAhead.BLOCK)) {
                            if (round % 3 == 2) {
                                // Closed after a part: its unread blocks go back while others read.
                                byte[] part = in.readNBytes(data.length / 2);
                                assertThat(part).isEqualTo(Arrays.copyOf(data, data.length / 2));
                            } else {
                                assertThat(readAll(in, 131_072 + thread)).as("seed %d", seed).isEqualTo(data);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (var f : done) {
                f.get();
            }
        }
    }

    @Test
    void aSourceErrorIsThrownAfterTheBytesBeforeIt() throws IOException {
        byte[] data = random(3 * ReadAhead.BLOCK, 1);
        IOException broken = new IOException("disk read error");
        InputStream failing = new InputStream() {
            private int pos;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= 2 * ReadAhead.BLOCK) {
                    throw broken;
                }
                int n = Math.min(len, 2 * ReadAhead.BLOCK - pos);
                System.arraycopy(data, pos, b, off, n);
                pos += n;
                return n;
            }
        };
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (ReadAhead in = new ReadAhead(failing, 4 * ReadAhead.BLOCK)) {
            byte[] buf = new byte[77_777];
            assertThatThrownBy(() -> {
                for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) {
                    got.write(buf, 0, n);
                }
            }).isSameAs(broken);
        }
        assertThat(got.toByteArray()).isEqualTo(Arrays.copyOf(data, 2 * ReadAhead.BLOCK));
    }

    @Test
    void closingEarlyStopsTheReaderAndClosesTheSource() throws Exception {
        AtomicLong served = new AtomicLong();
        AtomicBoolean sourceClosed = new AtomicBoolean();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                served.addAndGet(len);
                return len;
            }

            @Override
            public void close() {
                sourceClosed.set(true);
            }
        };
        ReadAhead in = new ReadAhead(endless, 2 * ReadAhead.BLOCK);
        assertThat(in.read(new byte[ReadAhead.FIRST + 10])).isEqualTo(ReadAhead.FIRST);
        assertThat(in.read(new byte[10])).isEqualTo(10);
        Thread.sleep(200);
        long bounded = served.get();
        assertThat(bounded).as("read ahead at most: the first bytes, the queue (2 + 1 blocks), a block each in hand")
                .isLessThanOrEqualTo(ReadAhead.FIRST + 5L * ReadAhead.BLOCK);
        in.close();
        assertThat(sourceClosed).isTrue();
        Thread.sleep(100);
        assertThat(served.get()).as("no reading after close").isLessThanOrEqualTo(bounded + ReadAhead.BLOCK);
        assertThatThrownBy(() -> in.read(new byte[10])).isInstanceOf(IOException.class);
    }
}
