package io.lifeboat.repository.pack;

/** What a blob holds: file or stream content, or a serialized directory tree. */
public enum BlobType {
    DATA((byte) 0),
    TREE((byte) 1);

    private final byte code;

    BlobType(byte code) {
        this.code = code;
    }

    public byte code() {
        return code;
    }

    public static BlobType of(byte code) {
        return switch (code) {
            case 0 -> DATA;
            case 1 -> TREE;
            default -> throw new IllegalArgumentException("unknown blob type " + code);
        };
    }
}
