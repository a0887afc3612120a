package io.lifeboat.repository.index;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.ObjectId;
import io.lifeboat.core.id.PackId;
import io.lifeboat.repository.crypto.BlobCodec;
import io.lifeboat.repository.pack.BlobType;
import io.lifeboat.repository.pack.PackEntry;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code index/<id>} object: the packs written by one backup session (or a prune) and the
 * blobs in each. Plaintext layout (big endian): {@code "LBI1" packCount:u32} then per pack
 * {@code packId:32 entryCount:u32} and per entry {@code type:1 blobId:32 offset:u32 length:u32
 * rawLength:u32}; then {@code supersededCount:u32} and the ids of index files this one replaces
 * (written by prune, which deletes them only after this file is durable).
 */
public record IndexFile(Map<PackId, List<PackEntry>> packs, List<ObjectId> supersedes) {
    private static final byte[] MAGIC = "LBI1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AAD = "lifeboat-index-v1".getBytes(StandardCharsets.US_ASCII);

    public IndexFile {
        packs = new LinkedHashMap<>(packs);
        supersedes = List.copyOf(supersedes);
    }

    public int blobCount() {
        return packs.values().stream().mapToInt(List::size).sum();
    }

    public byte[] seal(BlobCodec codec) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(MAGIC);
            out.writeInt(packs.size());
            for (Map.Entry<PackId, List<PackEntry>> p : packs.entrySet()) {
                out.write(p.getKey().bytes());
                out.writeInt(p.getValue().size());
                for (PackEntry e : p.getValue()) {
                    out.writeByte(e.type().code());
                    out.write(e.id().bytes());
                    out.writeInt(e.offset());
                    out.writeInt(e.length());
                    out.writeInt(e.rawLength());
                }
            }
            out.writeInt(supersedes.size());
            for (ObjectId id : supersedes) {
                out.write(id.bytes());
            }
            out.flush();
            return codec.seal(bytes.toByteArray(), AAD);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code stored} was sealed with {@code codec}'s own key (not a previous one). */
    public static boolean sealedWithCurrentKey(BlobCodec codec, byte[] stored) {
        return codec.sealedWithCurrentKey(AAD, stored, 0, stored.length);
    }

    public static IndexFile open(BlobCodec codec, String name, byte[] stored) {
        byte[] plain = codec.open(stored, AAD, "index " + name);
        try {
            ByteBuffer in = ByteBuffer.wrap(plain);
            byte[] magic = new byte[4];
            in.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw malformed(name);
            }
            int packCount = in.getInt();
            Map<PackId, List<PackEntry>> packs = new LinkedHashMap<>();
            byte[] id = new byte[32];
            for (int i = 0; i < packCount; i++) {
                in.get(id);
                PackId pack = PackId.of(id);
                int n = in.getInt();
                List<PackEntry> entries = new ArrayList<>(n);
                for (int j = 0; j < n; j++) {
                    BlobType type = BlobType.of(in.get());
                    in.get(id);
                    entries.add(new PackEntry(type, BlobId.of(id), in.getInt(), in.getInt(), in.getInt()));
                }
                packs.put(pack, entries);
            }
            int s = in.getInt();
            List<ObjectId> supersedes = new ArrayList<>(s);
            for (int i = 0; i < s; i++) {
                in.get(id);
                supersedes.add(ObjectId.of(id));
            }
            return new IndexFile(packs, supersedes);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw malformed(name);
        }
    }

    private static LifeboatException malformed(String name) {
        return new LifeboatException(ErrorCode.DAMAGED_DATA, "index " + name + ": malformed content",
                "run 'lifeboat check' to see which packs it describes");
    }
}
