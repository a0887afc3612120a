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
}
