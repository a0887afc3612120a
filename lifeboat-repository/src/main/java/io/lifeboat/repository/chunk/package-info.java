/**
 * Content-defined chunking: splitting a byte stream into blobs whose boundaries depend on the
 * content, so that an insertion or deletion moves only the boundaries next to it and every
 * other blob deduplicates against the previous backup.
 *
 * <p>Terms. A <em>cut point</em> is the end of a chunk. A chunk is at least {@code min} and at
 * most {@code max} bytes long, except the last chunk of a stream, which may be shorter than
 * {@code min}. {@code average} (a power of two, 2<sup>b</sup>) is the <em>normal size</em> at
 * which the cut condition relaxes. The <em>gear table</em> holds 256 random 64-bit values, one
 * per byte value; the <em>gear hash</em> of a position is {@code h = (h << 1) + gear[byte]}, a
 * rolling hash over the last 64 bytes (older bytes are shifted out of the word).
 *
 * <p>Algorithm (FastCDC with normalized chunking, level 2):
 * <ol>
 *   <li>Skip the first {@code min} bytes of the chunk: no cut can fall there, so they are not
 *       even hashed. Start with {@code h = 0}.</li>
 *   <li>From {@code min} to {@code average}, cut after the byte at which
 *       {@code h & maskS == 0}; {@code maskS} has b+2 bits, so cuts are 4× rarer than nominal.</li>
 *   <li>From {@code average} to {@code max}, cut where {@code h & maskL == 0}; {@code maskL} has
 *       b−2 bits, so cuts are 4× more likely. Together the two masks pull chunk sizes towards
 *       {@code average} (the "normalization").</li>
 *   <li>Cut at {@code max} when neither mask matched.</li>
 * </ol>
 * Both masks use the <em>top</em> bits of {@code h}: bit k of the gear hash depends on the last
 * k+1 bytes only, so the high bits are the ones that mix a window of 40–64 bytes.
 *
 * <p>Keying. The gear table is derived from the 32-byte chunker seed of the repository's master
 * key, so cut points (and hence chunk sizes, which an observer of the storage could see) differ
 * per repository and do not fingerprint known files. Derivation, fixed by the repository format:
 * {@code block_i = HMAC-SHA-256(key = seed, "lifeboat-gear-v1" ‖ uint32_be(i))} for
 * i = 0..63; the 2048 bytes, read as 256 big-endian 64-bit words, are the table.
 *
 * <p>Fixed-size mode. A profile with {@code min == average == max}
 * ({@code ChunkingProfile.fixed}) skips the gear hash and cuts every {@code max} bytes from the
 * start of each stream. PostgreSQL base backups use it for relation files: pages are 8 KiB and
 * aligned, a changed page changes exactly the chunk it lies in, and an unchanged table gives the
 * same chunks in every backup. Content-defined cuts would drift inside a changed region for no
 * gain, since pages never shift.
 *
 * <p>Changing any of the above changes every cut point and ruins deduplication against existing
 * repositories; {@code ChunkerTest} pins exact cut points so that cannot happen silently.
 */
package io.lifeboat.repository.chunk;
