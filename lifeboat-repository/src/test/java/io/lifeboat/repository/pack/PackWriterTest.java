package io.lifeboat.repository.pack;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.PackId;
import io.lifeboat.repository.chunk.Xorshift;
import io.lifeboat.repository.crypto.BlobCodec;
import io.lifeboat.repository.crypto.MasterKey;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackWriterTest {
    private final BlobCodec codec = new BlobCodec(MasterKey.fromBytes(Xorshift.bytes(1, MasterKey.LENGTH)));

    @Test
    void aFinishedPackIsNamedByTheSha256OfItsBytesAndListsItsBlobs() throws Exception {
        PackWriter w = new PackWriter();
        List<byte[]> stored = new ArrayList<>();
        List<BlobId> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] plain = Xorshift.bytes(10 + i, 1000 + 70_000 * i);
            BlobId id = codec.idOf(plain);
            byte[] s = codec.encode(id, plain);
            w.add(BlobType.DATA, id, s, plain.length);
            stored.add(s);
            ids.add(id);
        }
        PackWriter.FinishedPack pack = w.finish(codec);

        assertThat(pack.id()).isEqualTo(PackId.of(MessageDigest.getInstance("SHA-256").digest(pack.bytes())));
        int pos = 0;
        for (byte[] s : stored) {
            assertThat(Arrays.copyOfRange(pack.bytes(), pos, pos + s.length)).isEqualTo(s);
            pos += s.length;
        }
        assertThat(PackHeader.read(codec, pack.id(), pack.bytes())).extracting(PackEntry::id).containsExactlyElementsOf(ids);
        assertThat(pack.entries()).extracting(PackEntry::id).containsExactlyElementsOf(ids);
    }

    /**
     * A pack assembled in a reused, larger array from {@link PackBuffers}, from blobs in pooled
     * arrays longer than the blobs: the first {@code length} bytes are the same pack as a fresh
     * assembly gives, and the blob arrays go back to their pool.
     */
    @Test
    void aPackAssembledInAReusedBufferFromPooledBlobsIsTheSamePack() throws Exception {
        io.lifeboat.repository.buffer.ArrayPool pool = new io.lifeboat.repository.buffer.ArrayPool(64L << 20);
        PackWriter fresh = new PackWriter();
        PackWriter pooled = new PackWriter(pool);
        for (int i = 0; i < 4; i++) {
            byte[] plain = Xorshift.bytes(20 + i, 5000 + 90_000 * i);
            BlobId id = codec.idOf(plain);
            BlobCodec.Encoded e = codec.encode(id, plain, 0, plain.length, 3, pool);
            fresh.add(BlobType.DATA, id, Arrays.copyOf(e.array(), e.length()), plain.length);
            pooled.add(BlobType.DATA, id, e.array(), e.length(), plain.length);
        }
        PackBuffers buffers = new PackBuffers(1 << 20, 2);
        byte[] stale = buffers.take(1);
        Arrays.fill(stale, (byte) 0x77);
        buffers.give(stale);

        PackWriter.FinishedPack a = fresh.finish(codec);
        PackWriter.FinishedPack b = pooled.finish(codec, buffers);

        assertThat(b.bytes()).isSameAs(stale);
        // Same blobs and same layout; the headers differ only by their random nonces.
        assertThat(b.length()).isEqualTo(a.bytes().length).isLessThan(b.bytes().length);
        int blobBytes = a.entries().stream().mapToInt(PackEntry::length).sum();
        assertThat(Arrays.equals(a.bytes(), 0, blobBytes, b.bytes(), 0, blobBytes)).isTrue();
        assertThat(b.entries()).isEqualTo(a.entries());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(b.bytes(), 0, b.length());
        assertThat(b.id()).isEqualTo(PackId.of(sha.digest()));
        assertThat(PackHeader.read(codec, b.id(), Arrays.copyOf(b.bytes(), b.length()))).extracting(PackEntry::id)
                .containsExactlyElementsOf(a.entries().stream().map(PackEntry::id).toList());
        assertThat(pool.kept()).isPositive();
    }

    @Test
    void packBuffersHandOutALargeEnoughKeptArrayOrANewOneAndKeepOnlySoMany() {
        PackBuffers buffers = new PackBuffers(1000, 1);
        byte[] small = buffers.take(10);
        assertThat(small).hasSize(1000);
        byte[] big = buffers.take(5000);
        assertThat(big).hasSize(5000);
        buffers.give(small);
        buffers.give(big); // beyond what it keeps
        assertThat(buffers.kept()).isEqualTo(1);
        assertThat(buffers.take(2000)).isNotSameAs(small).hasSize(2000);
        assertThat(buffers.take(900)).isSameAs(small);
    }
}
