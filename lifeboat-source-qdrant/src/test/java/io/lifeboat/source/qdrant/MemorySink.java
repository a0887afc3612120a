package io.lifeboat.source.qdrant;

import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.BackupSink;
import io.lifeboat.core.source.RestoreReader;
import io.lifeboat.core.source.StoredContent;
import io.lifeboat.core.tree.Tree;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A sink and reader in memory: each stream is one blob (sha256 of its bytes); no chunking, for source tests. */
final class MemorySink implements BackupSink, RestoreReader {
    final Map<BlobId, byte[]> blobs = new ConcurrentHashMap<>();
    final Map<BlobId, Tree> trees = new ConcurrentHashMap<>();

    @Override
    public StoredContent storeContent(InputStream in) throws IOException {
        byte[] b = in.readAllBytes();
        BlobId id = id(b);
        blobs.put(id, b);
        return new StoredContent(List.of(id), b.length, b.length);
    }

    @Override
    public BlobId storeTree(Tree tree) {
        BlobId id = id(tree.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        trees.put(id, tree);
        return id;
    }

    @Override
    public Tree loadTree(BlobId id) {
        return trees.get(id);
    }

    @Override
    public boolean contains(Iterable<BlobId> ids) {
        return false;
    }

    @Override
    public InputStream openContent(List<BlobId> ids) {
        return new SequenceInputStream(Collections.enumeration(ids.stream()
                .map(i -> (InputStream) new ByteArrayInputStream(blobs.get(i))).toList()));
    }

    @Override
    public ProgressListener progress() {
        return ProgressListener.NONE;
    }

    static BlobId id(byte[] b) {
        try {
            return BlobId.of(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
