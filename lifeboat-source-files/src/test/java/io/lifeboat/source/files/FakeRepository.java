package io.lifeboat.source.files;

import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.progress.Progress;
import io.lifeboat.core.progress.ProgressListener;
import io.lifeboat.core.source.BackupSink;
import io.lifeboat.core.source.RestoreReader;
import io.lifeboat.core.source.StoredContent;
import io.lifeboat.core.tree.Node;
import io.lifeboat.core.tree.Tree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory repository for tests: every stored stream is one blob keyed by its SHA-256, trees
 * are kept as objects keyed by the SHA-256 of their text form. Counts calls so tests can prove
 * what was (not) read.
 */
class FakeRepository implements BackupSink, RestoreReader {
    final Map<BlobId, byte[]> blobs = new ConcurrentHashMap<>();
    final Map<BlobId, Tree> trees = new ConcurrentHashMap<>();
    final AtomicInteger storeContentCalls = new AtomicInteger();
    final AtomicInteger openContentCalls = new AtomicInteger();
    /** Every tree handed to {@link #storeTree}, in order. */
    final List<Tree> storedTrees = Collections.synchronizedList(new ArrayList<>());
    final List<Progress> progress = Collections.synchronizedList(new ArrayList<>());
    /** Runs after the first byte of each stored stream was read, before the rest (to change files mid-read). */
    volatile Runnable midStream = () -> {};

    @Override
    public StoredContent storeContent(InputStream in) throws IOException {
        storeContentCalls.incrementAndGet();
        var bytes = new ByteArrayOutputStream();
        int first = in.read();
        if (first >= 0) {
            bytes.write(first);
            midStream.run();
            in.transferTo(bytes);
        }
        byte[] data = bytes.toByteArray();
        if (data.length == 0) {
            return new StoredContent(List.of(), 0, 0);
        }
        BlobId id = BlobId.of(sha256(data));
        boolean added = blobs.putIfAbsent(id, data) == null;
        return new StoredContent(List.of(id), data.length, added ? data.length : 0);
    }

    @Override
    public BlobId storeTree(Tree tree) {
        BlobId id = BlobId.of(sha256(tree.toString().getBytes(StandardCharsets.UTF_8)));
        storedTrees.add(tree);
        trees.put(id, tree);
        return id;
    }

    @Override
    public Tree loadTree(BlobId id) {
        Tree tree = trees.get(id);
        if (tree == null) {
            throw LifeboatException.notFound("tree " + id, null);
        }
        return tree;
    }

    @Override
    public boolean contains(Iterable<BlobId> ids) {
        for (BlobId id : ids) {
            if (!blobs.containsKey(id) && !trees.containsKey(id)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public InputStream openContent(List<BlobId> ids) {
        openContentCalls.incrementAndGet();
        var parts = new ArrayList<InputStream>();
        for (BlobId id : ids) {
            byte[] data = blobs.get(id);
            if (data == null) {
                throw LifeboatException.damaged("blob " + id + " missing", null);
            }
            parts.add(new ByteArrayInputStream(data));
        }
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    @Override
    public ProgressListener progress() {
        return progress::add;
    }

    /** The snapshot node at absolute {@code path} below {@code root}. */
    Optional<Node> nodeAt(BlobId root, Path path) {
        Tree tree = loadTree(root);
        Node node = null;
        for (Path name : path) {
            if (node != null) {
                tree = loadTree(node.subtree());
            }
            Optional<Node> next = tree.find(name.toString());
            if (next.isEmpty()) {
                return Optional.empty();
            }
            node = next.get();
        }
        return Optional.ofNullable(node);
    }

    /** The tree of the directory at absolute {@code path} (the root for "/"). */
    Tree treeAt(BlobId root, Path path) {
        if (path.getNameCount() == 0) {
            return loadTree(root);
        }
        return loadTree(nodeAt(root, path).orElseThrow().subtree());
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
