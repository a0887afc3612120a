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
 */
public record ChunkingProfile(String name, int min, int average, int max) {
    /** Files: restic-like sizes, few index entries for large trees. */
    public static final ChunkingProfile FILES = new ChunkingProfile("files", 512 * 1024, 1024 * 1024, 8 * 1024 * 1024);
    /** Database dumps and tar snapshots: smaller chunks, so a changed row costs little. */
    public static final ChunkingProfile DUMPS = new ChunkingProfile("dumps", 64 * 1024, 256 * 1024, 2 * 1024 * 1024);

    public ChunkingProfile {
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

    /** Whether this profile cuts fixed-size chunks rather than content-defined ones. */
    public boolean isFixed() {
        return min == max;
    }
}
