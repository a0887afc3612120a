package io.lifeboat.core.source;

/**
 * Content-defined chunking parameters of one kind of source. Small chunks deduplicate better and
 * cost more index entries; large chunks suit big media files. Sizes are bytes, powers of two
 * for {@code average}, {@code min < average < max}.
 */
public record ChunkingProfile(String name, int min, int average, int max) {
    /** Files: restic-like sizes, few index entries for large trees. */
    public static final ChunkingProfile FILES = new ChunkingProfile("files", 512 * 1024, 1024 * 1024, 8 * 1024 * 1024);
    /** Database dumps and tar snapshots: smaller chunks, so a changed row costs little. */
    public static final ChunkingProfile DUMPS = new ChunkingProfile("dumps", 64 * 1024, 256 * 1024, 2 * 1024 * 1024);

    public ChunkingProfile {
        if (min <= 0 || average <= min || max <= average || Integer.bitCount(average) != 1) {
            throw new IllegalArgumentException(
                    "chunking profile " + name + ": need 0 < min < average < max and average a power of two");
        }
    }
}
