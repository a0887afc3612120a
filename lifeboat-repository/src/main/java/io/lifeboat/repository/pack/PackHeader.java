package io.lifeboat.repository.pack;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.id.PackId;
import io.lifeboat.repository.crypto.BlobCodec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The encrypted list of blobs at the end of a pack. Plaintext layout: one 41-byte record per blob
 * ({@code type:1 id:32 length:4 rawLength:4}, little endian), offsets implied by order. The pack
 * ends with the sealed header followed by its length as a 4-byte little-endian integer.
 */
public final class PackHeader {
    static final int RECORD = 1 + 32 + 4 + 4;
    static final int TRAILER = 4;
    private static final byte[] AAD = "lifeboat-pack-header-v1".getBytes(StandardCharsets.US_ASCII);

    private PackHeader() {}

    static byte[] seal(BlobCodec codec, List<PackEntry> entries) {
        ByteBuffer buf = ByteBuffer.allocate(entries.size() * RECORD).order(ByteOrder.LITTLE_ENDIAN);
        byte[] id = new byte[32];
        for (PackEntry e : entries) {
            buf.put(e.type().code());
            e.id().copyTo(id, 0);
            buf.put(id);
            buf.putInt(e.length());
            buf.putInt(e.rawLength());
        }
        return codec.seal(buf.array(), AAD);
    }

    /** Reads the header of a whole pack held in memory. */
    public static List<PackEntry> read(BlobCodec codec, PackId pack, byte[] packBytes) {
        if (packBytes.length < TRAILER) {
            throw truncated(pack);
        }
        int sealedLength = ByteBuffer.wrap(packBytes, packBytes.length - TRAILER, TRAILER)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getInt();
        int headerStart = packBytes.length - TRAILER - sealedLength;
        if (sealedLength <= 0 || headerStart < 0) {
            throw truncated(pack);
        }
        byte[] sealed = new byte[sealedLength];
        System.arraycopy(packBytes, headerStart, sealed, 0, sealedLength);
        return parse(codec, pack, sealed, headerStart);
    }

    /** Whether the header of a whole pack was sealed with {@code codec}'s own key (not a previous one). */
    public static boolean sealedWithCurrentKey(BlobCodec codec, byte[] packBytes) {
        if (packBytes.length < TRAILER) {
            return false;
        }
        int sealedLength = ByteBuffer.wrap(packBytes, packBytes.length - TRAILER, TRAILER).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int headerStart = packBytes.length - TRAILER - sealedLength;
        return sealedLength > 0 && headerStart >= 0
                && codec.sealedWithCurrentKey(AAD, packBytes, headerStart, sealedLength);
    }

    /** Reads a header given only the tail of a pack ({@code sealed} header bytes). */
    public static List<PackEntry> parse(BlobCodec codec, PackId pack, byte[] sealed, long headerStart) {
        byte[] plain = codec.open(sealed, AAD, "pack " + pack.shortHex() + " header");
        if (plain.length % RECORD != 0) {
            throw new LifeboatException(ErrorCode.DAMAGED_DATA, "pack " + pack.hex() + ": malformed header",
                    "run 'lifeboat check --read-data' to list every damaged object");
        }
        ByteBuffer buf = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN);
        List<PackEntry> entries = new ArrayList<>(plain.length / RECORD);
        long offset = 0;
        byte[] id = new byte[32];
        while (buf.hasRemaining()) {
            BlobType type = BlobType.of(buf.get());
            buf.get(id);
            int length = buf.getInt();
            int rawLength = buf.getInt();
            if (length <= 0 || rawLength < 0 || offset + length > headerStart) {
                throw new LifeboatException(ErrorCode.DAMAGED_DATA,
                        "pack " + pack.hex() + ": header lists a blob beyond the pack's data",
                        "run 'lifeboat check --read-data' to list every damaged object");
            }
            entries.add(new PackEntry(type, BlobId.of(id), (int) offset, length, rawLength));
            offset += length;
        }
        if (offset != headerStart) {
            throw new LifeboatException(ErrorCode.DAMAGED_DATA,
                    "pack " + pack.hex() + ": header does not cover the pack's data",
                    "run 'lifeboat check --read-data' to list every damaged object");
        }
        return entries;
    }

    private static LifeboatException truncated(PackId pack) {
        return new LifeboatException(ErrorCode.DAMAGED_DATA, "pack " + pack.hex() + ": truncated",
                "run 'lifeboat check --read-data' to list every damaged object");
    }
}
