package io.lifeboat.repository.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.BlobId;
import io.lifeboat.repository.buffer.ArrayPool;
import io.lifeboat.repository.chunk.Xorshift;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class BlobCodecTest {
    private static final String HINT = "run 'lifeboat check --read-data' to list every damaged object";
    private final MasterKey key = MasterKey.fromBytes(Xorshift.bytes(1, MasterKey.LENGTH));
    private final BlobCodec codec = new BlobCodec(key);

    @Test
    void roundTripsBlobsOfManyShapes() {
        for (byte[] plain : List.of(new byte[0], new byte[] {7}, text(100), text(300_000), Xorshift.bytes(3, 70_000),
                new byte[1 << 20])) {
            BlobId id = codec.idOf(plain);
            assertThat(codec.decode(id, codec.encode(id, plain))).isEqualTo(plain);
        }
    }

    @Test
    void idIsTheKeyedHmacOfThePlaintext() {
        byte[] plain = text(1000);
        BlobId id = codec.idOf(plain);
        assertThat(codec.idOf(plain.clone())).isEqualTo(id);
        assertThat(new BlobCodec(MasterKey.fromBytes(Xorshift.bytes(2, MasterKey.LENGTH))).idOf(plain)).isNotEqualTo(id);

        byte[] padded = new byte[plain.length + 20];
        System.arraycopy(plain, 0, padded, 10, plain.length);
        assertThat(codec.idOf(padded, 10, plain.length)).isEqualTo(id);
    }

    /** HMAC-SHA-256 test case 2 of RFC 4231, with the MAC key padded into a master key. */
    @Test
    void idMatchesTheHmacSha256Standard() {
        byte[] mk = new byte[MasterKey.LENGTH];
        byte[] jefe = "Jefe".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(jefe, 0, mk, 32, jefe.length); // HMAC pads short keys with zeros anyway
        BlobCodec c = new BlobCodec(MasterKey.fromBytes(mk));
        assertThat(c.idOf("what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)).hex())
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void incompressibleDataIsStoredRaw() {
        byte[] plain = Xorshift.bytes(4, 200_000);
        BlobId id = codec.idOf(plain);
        byte[] stored = codec.encode(id, plain);
        assertThat(stored).hasSize(plain.length + 12 + 16 + 1);
        assertThat(BlobCodec.RAW_OVERHEAD).isEqualTo(29);
        assertThat(codec.decode(id, stored)).isEqualTo(plain);
    }

    @Test
    void uncompressedBlobsOfCompressibleDataRoundTripAndVerify() {
        byte[] plain = text(100_000);
        BlobId id = codec.idOf(plain);
        byte[] stored = codec.encodeUncompressed(id, plain, 0, plain.length);
        assertThat(stored).hasSize(plain.length + BlobCodec.RAW_OVERHEAD);
        assertThat(codec.encode(id, plain).length).isLessThan(plain.length / 2);
        codec.verify(id, stored, plain, 0, plain.length);
        assertThat(codec.decode(id, stored)).isEqualTo(plain);
    }

    @Test
    void largeIncompressiblePayloadsAreStoredRawAndRoundTrip() {
        byte[] plain = Xorshift.bytes(5, 2 * Compression.SAMPLE_MIN_PAYLOAD);
        BlobId id = codec.idOf(plain);
        byte[] stored = codec.encode(id, plain);
        assertThat(stored).hasSize(plain.length + BlobCodec.RAW_OVERHEAD);
        assertThat(codec.decode(id, stored)).isEqualTo(plain);
    }

    /**
     * The samples only spare work on data that does not compress: a large payload with a
     * compressible start, middle or end is compressed whole, and so is one that compresses only
     * between the samples when it is small enough not to be sampled.
     */
    @Test
    void aCompressibleSampleMeansTheWholePayloadIsCompressed() {
        int size = 2 * Compression.SAMPLE_MIN_PAYLOAD;
        for (int at : new int[] {0, size / 2 - Compression.SAMPLE, size - 4 * Compression.SAMPLE}) {
            byte[] plain = Xorshift.bytes(6, size);
            Arrays.fill(plain, at, at + 4 * Compression.SAMPLE, (byte) 'x'); // covers one sample window
            BlobId id = codec.idOf(plain);
            byte[] stored = codec.encode(id, plain);
            assertThat(stored.length).as("compressible region at %d", at)
                    .isLessThan(plain.length + BlobCodec.RAW_OVERHEAD - 2 * Compression.SAMPLE);
            assertThat(codec.decode(id, stored)).isEqualTo(plain);
        }
        byte[] small = Xorshift.bytes(7, Compression.SAMPLE_MIN_PAYLOAD - 1);
        Arrays.fill(small, 20_000, 120_000, (byte) 0);
        BlobId id = codec.idOf(small);
        assertThat(codec.encode(id, small).length).isLessThan(small.length - 90_000);
    }

    /**
     * Random blocks among zeros, with every sample window on random bytes: the spread of the
     * whole payload says it compresses, and it is compressed; random bytes spread measure near 8
     * bits per byte, zeros 0.
     */
    @Test
    void aPayloadWhoseSamplesAreAllRandomIsCompressedWhenItsSpreadBytesAreNot() {
        int size = 4 * 1024 * 1024;
        byte[] plain = new byte[size];
        byte[] random = Xorshift.bytes(8, size);
        for (int mib = 0; mib < 4; mib++) {
            // 64 KiB of random bytes at the start and at the middle of each mebibyte, and 8 KiB at its end
            for (int start : new int[] {0, 512 * 1024 - Compression.SAMPLE, 1024 * 1024 - Compression.SAMPLE}) {
                int from = mib * 1024 * 1024 + start;
                int n = Math.min(64 * 1024, size - from);
                System.arraycopy(random, from, plain, from, n);
            }
        }
        BlobId id = codec.idOf(plain);
        byte[] stored = codec.encode(id, plain);
        assertThat(stored.length).isLessThan(size / 4);
        assertThat(codec.decode(id, stored)).isEqualTo(plain);

        assertThat(Compression.spreadEntropyBits(random, 0, size)).isGreaterThan(Compression.RANDOM_ENTROPY_BITS);
        assertThat(Compression.spreadEntropyBits(plain, 0, size)).isLessThan(2.0);
        assertThat(Compression.spreadEntropyBits(new byte[size], 0, size)).isZero();
    }

    @Test
    void blobsEncodedAtAnyLevelDecodeAlike() {
        byte[] plain = text(300_000);
        BlobId id = codec.idOf(plain);
        byte[] fast = codec.encode(id, plain, 0, plain.length, 1);
        byte[] strong = codec.encode(id, plain, 0, plain.length, 19);
        assertThat(strong.length).isLessThan(fast.length);
        assertThat(codec.decode(id, fast)).isEqualTo(plain);
        assertThat(codec.decode(id, strong)).isEqualTo(plain);
        assertThat(codec.decode(id, codec.encode(id, plain))).as("the codec's own level after others").isEqualTo(plain);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> codec.encode(id, plain, 0, plain.length, 99))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zstd level");
    }

    @Test
    void compressibleDataShrinks() {
        byte[] plain = text(256 * 1024);
        byte[] stored = codec.encode(codec.idOf(plain), plain);
        assertThat(stored.length).isLessThan(plain.length / 2);
    }

    @Test
    void encodingTheSameBlobTwiceUsesFreshNonces() {
        byte[] plain = text(5000);
        BlobId id = codec.idOf(plain);
        byte[] a = codec.encode(id, plain);
        byte[] b = codec.encode(id, plain);
        assertThat(Arrays.copyOf(a, 12)).isNotEqualTo(Arrays.copyOf(b, 12));
        assertThat(codec.decode(id, a)).isEqualTo(codec.decode(id, b));
    }

    @Test
    void aFlippedByteAnywhereIsDamagedData() {
        for (byte[] plain : List.of(text(3000), Xorshift.bytes(5, 3000))) {
            BlobId id = codec.idOf(plain);
            byte[] stored = codec.encode(id, plain);
            for (int i = 0; i < stored.length; i++) {
                byte[] damaged = stored.clone();
                damaged[i] ^= (byte) (1 << (i % 8));
                assertDamaged(() -> codec.decode(id, damaged), "blob " + id.shortHex() + ": authentication failed");
            }
        }
    }

    @Test
    void verifyAcceptsWhatEncodeMadeAndRejectsAnyDifference() {
        for (byte[] plain : List.of(text(300_000), Xorshift.bytes(6, 300_000))) {
            BlobId id = codec.idOf(plain);
            byte[] stored = codec.encode(id, plain);
            codec.verify(id, stored, plain, 0, plain.length);

            byte[] flipped = stored.clone();
            flipped[stored.length / 2] ^= 1;
            assertDamaged(() -> codec.verify(id, flipped, plain, 0, plain.length), "authentication failed");
            // A plaintext changed after encoding (a memory fault) no longer matches what was stored.
            byte[] changed = plain.clone();
            changed[changed.length - 1] ^= 1;
            assertDamaged(() -> codec.verify(id, stored, changed, 0, changed.length), "does not restore the content");
            assertDamaged(() -> codec.verify(id, stored, plain, 0, plain.length - 1), "does not restore the content");
        }
    }

    /**
     * Blobs encoded into a pooled array that holds a previous, longer blob: only the first
     * {@code length} bytes count, they decode and verify like a fresh encoding, and a changed byte
     * inside them (not in the stale tail) is damage.
     */
    @Test
    void pooledEncodingsUseOnlyTheirLengthOfAReusedArray() {
        ArrayPool pool = new ArrayPool(64L << 20);
        List<byte[]> stale = new ArrayList<>();
        for (int size = 64 * 1024; size <= 1 << 20; size = pool.take(size).length + 1) {
            byte[] a = pool.take(size); // one array of every size class up to 1 MiB
            Arrays.fill(a, (byte) 0x5a);
            stale.add(a);
        }
        stale.forEach(pool::give);
        for (byte[] plain : List.of(text(600_000), Xorshift.bytes(10, 600_000))) {
            BlobId id = codec.idOf(plain);
            BlobCodec.Encoded e = codec.encode(id, plain, 0, plain.length, 3, pool);
            assertThat(stale).contains(e.array());
            assertThat(e.length()).isLessThan(e.array().length);
            assertThat(e.array()[e.length()]).isEqualTo((byte) 0x5a);
            assertThat(codec.decode(id, e.array(), 0, e.length())).isEqualTo(plain);
            codec.verify(id, e.array(), e.length(), plain, 0, plain.length);
            byte[] flipped = e.array().clone();
            flipped[e.length() - 1] ^= 1;
            assertDamaged(() -> codec.verify(id, flipped, e.length(), plain, 0, plain.length), "authentication failed");
            assertDamaged(() -> codec.verify(id, e.array(), e.length() - 1, plain, 0, plain.length), "authentication failed");
            pool.give(e.array());
        }
    }

    /**
     * Compressed and raw blobs of every size class: below the direct buffers' minimum, in their
     * range (compared in pooled direct buffers), and above their maximum (compared as arrays),
     * also when the plaintext sits inside a larger array.
     */
    @Test
    void verifyComparesEverySizeInPlaceAndFindsAChangedFirstOrLastByte() {
        for (int size : new int[] {0, 1, 100, 5000, 70_000, 17 * 1024 * 1024}) {
            for (byte[] content : List.of(text(size), Xorshift.bytes(size + 1, size))) {
                byte[] padded = new byte[size + 10];
                System.arraycopy(content, 0, padded, 7, size);
                BlobId id = codec.idOf(padded, 7, size);
                byte[] stored = codec.encode(id, padded, 7, size);
                codec.verify(id, stored, padded, 7, size);
                if (size == 0) {
                    continue;
                }
                for (int at : new int[] {7, 7 + size - 1}) {
                    byte[] changed = padded.clone();
                    changed[at] ^= (byte) 0x80;
                    assertDamaged(() -> codec.verify(id, stored, changed, 7, size), "does not restore the content");
                }
                assertDamaged(() -> codec.verify(id, stored, padded, 7, size - 1), "does not restore the content");
                assertDamaged(() -> codec.verify(id, stored, padded, 6, size + 1), "does not restore the content");
            }
        }
    }

    @Test
    void truncatedOrExtendedBlobIsDamagedData() {
        byte[] plain = text(3000);
        BlobId id = codec.idOf(plain);
        byte[] stored = codec.encode(id, plain);
        for (int len : new int[] {0, 1, 11, 12, 28, 29, stored.length - 1}) {
            assertDamaged(() -> codec.decode(id, stored, 0, len), "blob " + id.shortHex());
        }
        assertDamaged(() -> codec.decode(id, Arrays.copyOf(stored, stored.length + 1)), "blob " + id.shortHex());
    }

    @Test
    void blobUnderAnotherIdIsDamagedData() {
        byte[] plain = text(3000);
        byte[] stored = codec.encode(codec.idOf(plain), plain);
        BlobId other = codec.idOf(text(3001));
        assertDamaged(() -> codec.decode(other, stored), "blob " + other.shortHex() + ": authentication failed");
    }

    @Test
    void blobSealedWithAnotherKeyIsDamagedData() {
        byte[] plain = text(3000);
        BlobId id = codec.idOf(plain);
        BlobCodec stranger = new BlobCodec(MasterKey.fromBytes(Xorshift.bytes(9, MasterKey.LENGTH)));
        assertDamaged(() -> stranger.decode(id, codec.encode(id, plain)), "authentication failed");
    }

    @Test
    void contentThatDoesNotHashToItsIdIsDamagedData() {
        byte[] plain = text(3000);
        BlobId wrongId = codec.idOf(text(10));
        byte[] stored = codec.encode(wrongId, plain); // a buggy writer: authenticates, but is not that blob
        assertDamaged(() -> codec.decode(wrongId, stored), "content does not match its id");
    }

    /**
     * The pooled decode gives what decode gives, for raw and compressed blobs below, inside and
     * above the direct-buffer range, at an offset in a larger array, into pooled arrays that held
     * other (longer) blobs before; damage, a wrong id and another key fail as decode fails, and a
     * blob sealed under the previous master key (during a rotation) still opens.
     */
    @Test
    void pooledDecodeMatchesDecodeAndFailsAlike() {
        ArrayPool pool = new ArrayPool(64L << 20);
        byte[] dirty = pool.take(3 << 20);
        Arrays.fill(dirty, (byte) 0x5A);
        pool.give(dirty);
        for (byte[] plain : List.of(new byte[0], text(100), text(5000), Xorshift.bytes(4, 5000), text(300_000),
                Xorshift.bytes(5, 1 << 20), new byte[2 << 20], text(17 << 20))) {
            BlobId id = codec.idOf(plain);
            byte[] stored = codec.encode(id, plain);
            byte[] inside = new byte[stored.length + 40];
            System.arraycopy(stored, 0, inside, 17, stored.length);
            for (int round = 0; round < 2; round++) {
                BlobCodec.Plain got = codec.decode(id, inside, 17, stored.length, pool);
                assertThat(got.length()).isEqualTo(plain.length);
                assertThat(Arrays.equals(got.array(), 0, got.length(), plain, 0, plain.length)).isTrue();
                pool.give(got.array());
            }
            if (plain.length > 0) {
                byte[] damaged = stored.clone();
                damaged[stored.length / 2] ^= 1;
                assertDamaged(() -> codec.decode(id, damaged, 0, damaged.length, pool), "authentication failed");
            }
        }
        byte[] plain = text(30_000);
        BlobId wrongId = codec.idOf(text(10));
        byte[] buggy = codec.encode(wrongId, plain);
        assertDamaged(() -> codec.decode(wrongId, buggy, 0, buggy.length, pool), "content does not match its id");

        BlobId id = codec.idOf(plain);
        byte[] stored = codec.encode(id, plain);
        byte[] rotated = key.toBytes();
        System.arraycopy(Xorshift.bytes(11, MasterKey.PART), 0, rotated, 0, MasterKey.PART); // a new encryption key only
        MasterKey newKey = MasterKey.fromBytes(rotated);
        BlobCodec rotating = new BlobCodec(newKey, key);
        assertThat(Arrays.copyOf(rotating.decode(id, stored, 0, stored.length, pool).array(), plain.length)).isEqualTo(plain);
        BlobCodec stranger = new BlobCodec(newKey);
        assertDamaged(() -> stranger.decode(id, stored, 0, stored.length, pool), "authentication failed");
    }

    @Test
    void decodesABlobInsideALargerArray() {
        byte[] plain = text(10_000);
        BlobId id = codec.idOf(plain);
        byte[] stored = codec.encode(id, plain);
        byte[] pack = new byte[stored.length + 100];
        System.arraycopy(stored, 0, pack, 60, stored.length);
        assertThat(codec.decode(id, pack, 60, stored.length)).isEqualTo(plain);
        byte[] slice = new byte[plain.length + 8];
        System.arraycopy(plain, 0, slice, 4, plain.length);
        assertThat(codec.decode(id, codec.encode(id, slice, 4, plain.length))).isEqualTo(plain);
    }

    /** Property: any size 0..300 KiB, any mix of text and noise, round trips within the raw bound. */
    @Test
    void roundTripsSeededRandomBlobs() {
        Xorshift rnd = new Xorshift(31337);
        for (int i = 0; i < 300; i++) {
            int size = rnd.nextInt(300 * 1024 + 1);
            byte[] plain = mixed(rnd, size);
            BlobId id = codec.idOf(plain);
            byte[] stored = codec.encode(id, plain);
            assertThat(stored.length).as("size %d", size).isLessThanOrEqualTo(size + BlobCodec.RAW_OVERHEAD);
            assertThat(codec.decode(id, stored)).as("size %d", size).isEqualTo(plain);
        }
    }

    /** Fuzz: garbage never makes decode or open fail with anything but DAMAGED_DATA. */
    @Test
    void garbageIsAlwaysDamagedData() {
        Xorshift rnd = new Xorshift(99);
        BlobId id = codec.idOf(new byte[0]);
        for (int i = 0; i < 5000; i++) {
            byte[] garbage = Xorshift.bytes(i, rnd.nextInt(i % 10 == 0 ? 5000 : 64));
            assertDamaged(() -> codec.decode(id, garbage), "blob " + id.shortHex());
            assertDamaged(() -> codec.open(garbage, new byte[0], "index 1234abcd"), "index 1234abcd");
        }
    }

    @Test
    void sealedObjectsRoundTripAndAreBoundToTheirAad() {
        byte[] json = "{\"snapshot\":\"yes\",\"paths\":[\"/a\",\"/a\",\"/a\",\"/a\",\"/a\",\"/a\",\"/a\",\"/a\"]}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] aad = "snapshot".getBytes(StandardCharsets.US_ASCII);
        byte[] sealed = codec.seal(json, aad);
        assertThat(codec.open(sealed, aad, "snapshot 1234abcd")).isEqualTo(json);
        assertThat(codec.open(codec.seal(new byte[0], aad), aad, "empty")).isEmpty();
        byte[] big = text(2 * 1024 * 1024);
        assertThat(codec.seal(big, aad).length).isLessThan(big.length / 2);
        assertThat(codec.open(codec.seal(big, aad), aad, "big")).isEqualTo(big);
        assertDamaged(() -> codec.open(sealed, "index".getBytes(StandardCharsets.US_ASCII), "snapshot 1234abcd"),
                "snapshot 1234abcd: authentication failed");
    }

    @Test
    void isThreadSafe() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 64; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    Xorshift rnd = new Xorshift(seed + 1);
                    for (int i = 0; i < 20; i++) {
                        byte[] plain = mixed(rnd, rnd.nextInt(100_000));
                        BlobId id = codec.idOf(plain);
                        if (!Arrays.equals(codec.decode(id, codec.encode(id, plain)), plain)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void compressionLevelIsConfigurableWithinZstdRange() {
        BlobCodec strong = new BlobCodec(key, 19, new SecureRandom());
        byte[] plain = text(100_000);
        BlobId id = strong.idOf(plain);
        assertThat(codec.decode(id, strong.encode(id, plain))).isEqualTo(plain);
        assertThat(strong.zstdLevel()).isEqualTo(19);
        assertThat(codec.zstdLevel()).isEqualTo(3);
        assertThatThrownBy(() -> new BlobCodec(key, 99, new SecureRandom())).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertDamaged(ThrowingCallable call, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.DAMAGED_DATA);
            assertThat(e.getMessage()).contains(messagePart);
            assertThat(e.hint()).isEqualTo(HINT);
        });
    }

    /** Log-like lines: compressible, but not trivially. */
    static byte[] text(int size) {
        Xorshift rnd = new Xorshift(size + 17L);
        StringBuilder sb = new StringBuilder(size + 200);
        String[] words = {"backup", "chunk", "snapshot", "restore", "postgres", "qdrant", "ERROR", "INFO", "pack", "index"};
        while (sb.length() < size) {
            sb.append("2025-03-01T10:").append(rnd.nextInt(60)).append(' ').append(words[rnd.nextInt(words.length)])
                    .append(" id=").append(Long.toHexString(rnd.nextLong())).append(" n=").append(rnd.nextInt(100000))
                    .append('\n');
        }
        return Arrays.copyOf(sb.toString().getBytes(StandardCharsets.US_ASCII), size);
    }

    private static byte[] mixed(Xorshift rnd, int size) {
        byte[] plain = new byte[size];
        byte[] noise = Xorshift.bytes(rnd.nextLong(), size);
        byte[] words = text(size);
        int pos = 0;
        while (pos < size) {
            int run = Math.min(size - pos, 1 + rnd.nextInt(20_000));
            System.arraycopy(rnd.nextInt(2) == 0 ? noise : words, pos, plain, pos, run);
            pos += run;
        }
        return plain;
    }
}
