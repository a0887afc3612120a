package io.lifeboat.repository.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.source.ChunkingProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FixedSizeChunkerTest {
    private static final byte[] SEED = new byte[32];
    private static final int BLOCK = 128 * 1024;

    @Test
    void cutsEveryBlockFromTheStartAndKeepsTheTail() throws IOException {
        Chunker chunker = new Chunker(SEED, ChunkingProfile.fixed("pages", BLOCK));
        byte[] data = Xorshift.bytes(7, 5 * BLOCK + 8192 * 3);
        List<byte[]> chunks = chunks(chunker, new ByteArrayInputStream(data));
        assertThat(chunks).extracting(c -> c.length).containsExactly(BLOCK, BLOCK, BLOCK, BLOCK, BLOCK, 8192 * 3);
        assertThat(concat(chunks)).isEqualTo(data);
    }

    @Test
    void aChangedPageChangesOnlyTheBlockItLiesIn() throws IOException {
        Chunker chunker = new Chunker(SEED, ChunkingProfile.fixed("pages", BLOCK));
        byte[] before = Xorshift.bytes(11, 16 * BLOCK);
        byte[] after = before.clone();
        int page = 8192 * 37; // inside block 2
        for (int i = page; i < page + 8192; i++) {
            after[i] ^= (byte) 0x5a;
        }
        List<byte[]> a = chunks(chunker, new ByteArrayInputStream(before));
        List<byte[]> b = chunks(chunker, new ByteArrayInputStream(after));
        assertThat(b).hasSameSizeAs(a);
        List<Integer> differing = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                differing.add(i);
            }
        }
        assertThat(differing).containsExactly(page / BLOCK);
    }

    @Test
    void cutPointsDoNotDependOnReadSizes() throws IOException {
        Chunker chunker = new Chunker(SEED, ChunkingProfile.fixed("pages", BLOCK));
        byte[] data = Xorshift.bytes(5, 3 * BLOCK + 100);
        InputStream trickle = new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1000));
            }
        };
        assertThat(chunks(chunker, trickle)).extracting(c -> c.length).containsExactly(BLOCK, BLOCK, BLOCK, 100);
    }

    @Test
    void fixedProfileNeedsAPowerOfTwo() {
        assertThat(ChunkingProfile.fixed("pages", BLOCK).isFixed()).isTrue();
        assertThat(ChunkingProfile.DUMPS.isFixed()).isFalse();
        assertThatThrownBy(() -> ChunkingProfile.fixed("pages", 100_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChunkingProfile("bad", 8, 8, 16)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<byte[]> chunks(Chunker chunker, InputStream in) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (ChunkStream s = chunker.open(in)) {
            byte[] c;
            while ((c = s.next()) != null) {
                out.add(c);
            }
        }
        return out;
    }

    private static byte[] concat(List<byte[]> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
