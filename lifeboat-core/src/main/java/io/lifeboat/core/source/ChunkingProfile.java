package io.lifeboat.core.source;

/**
 * Content-defined chunking parameters of one kind of source. Small chunks deduplicate better and
 * cost more index entries; large chunks suit big media files. Sizes are bytes, powers of two
 * for {@code average}, {@code min < average < max}.
 *
 * <p>A <i>fixed-size</i> profile ({@link #fixed}, {@code min == average == max}) cuts every
 * {@code max} bytes from the start of each stream instead: for content made of aligned pages
 * (PostgreSQL relation files), where an unchanged page range must give the same chunks whatever
 * changed before it in the file.
 *
 * <p>{@code zstdLevel} is the compression level for this kind of content. Level 3 by default;
 * content that level 1 compresses as well (measured: PostgreSQL dumps of embeddings, whose text
 * floats level 1 compresses to 0.39-0.41 against 0.44-0.45 at level 3, at twice the speed, and
 * relation pages, 0.70 at either level) asks for 1.
 */
public record ChunkingProfile(String name, int min, int average, int max, int zstdLevel) {
    /** The level for content without a preference: zstd's default. */
    public static final int DEFAULT_ZSTD_LEVEL = 3;

    /** Files: restic-like sizes, few index entries for large trees. */
    public static final ChunkingProfile FILES = new ChunkingProfile("files", 512 * 1024, 1024 * 1024, 8 * 1024 * 1024);
    /** Database dumps and tar snapshots: smaller chunks, so a changed row costs little. */
    public static final ChunkingProfile DUMPS = new ChunkingProfile("dumps", 64 * 1024, 256 * 1024, 2 * 1024 * 1024);

    /** A profile compressed at {@link #DEFAULT_ZSTD_LEVEL}. */
    public ChunkingProfile(String name, int min, int average, int max) {
        this(name, min, average, max, DEFAULT_ZSTD_LEVEL);
    }

    public ChunkingProfile {
        if (zstdLevel < 1 || zstdLevel > 19) {
            throw new IllegalArgumentException("chunking profile " + name + ": zstd level must be 1..19, got " + zstdLevel);
        }
        boolean fixedSize = min == average && average == max && Integer.bitCount(average) == 1;
        if (!fixedSize && (min <= 0 || average <= min || max <= average || Integer.bitCount(average) != 1)) {
            throw new IllegalArgumentException(
                    "chunking profile " + name + ": need 0 < min < average < max and average a power of two");
        }
    }

    /** Fixed-size chunks of {@code size} bytes (a power of two), cut from the start of each stream. */
    public static ChunkingProfile fixed(String name, int size) {
        if (size <= 0 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("chunking profile " + name + ": fixed size must be a power of two");
        }
        return new ChunkingProfile(name, size, size, size);
    }

    /** The same chunking, compressed at {@code level}. */
    public ChunkingProfile withZstdLevel(int level) {
        return new ChunkingProfile(name, min, average, max, level);
    }

    /** Whether this profile cuts fixed-size chunks rather than content-defined ones. */
    public boolean isFixed() {
        return min == max;
    }
}
