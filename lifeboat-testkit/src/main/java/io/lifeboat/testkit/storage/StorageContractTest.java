package io.lifeboat.testkit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.id.Hex;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.Storage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link Storage} contract as tests, one or more per clause of the interface's Javadoc.
 * An adapter's test extends this class and makes a fresh, empty storage:
 *
 * <pre>{@code
 * class LocalStorageTest extends StorageContractTest {
 *     @TempDir Path dir;
 *     protected Storage newStorage() { return new LocalStorage(LocalStorageConfig.of(dir)); }
 * }
 * }</pre>
 *
 * <p>Each test gets its own storage from {@link #newStorage()}; it is closed after the test,
 * then {@link #cleanUp()} runs. Adapter-specific tests in the subclass can use {@link #storage()}.
 */
public abstract class StorageContractTest {
    /** Enough threads to race on every core of a test machine many times over. */
    protected static final int THREADS = 16;
    private static final Duration CONCURRENCY_TIMEOUT = Duration.ofSeconds(60);

    private Storage storage;

    /** A new storage over an empty namespace that no other test uses. */
    protected abstract Storage newStorage() throws Exception;

    /** Runs after each test, after the storage was closed (remove buckets, servers...). */
    protected void cleanUp() throws Exception {}

    /** Credentials used to open the storage, which {@link Storage#location()} must never show. */
    protected Collection<String> secrets() {
        return List.of();
    }

    /** The storage of the running test. */
    protected final Storage storage() {
        return storage;
    }

    @BeforeEach
    final void openStorage() throws Exception {
        storage = newStorage();
    }

    @AfterEach
    final void closeStorage() throws Exception {
        try {
            if (storage != null) {
                storage.close();
            }
        } finally {
            cleanUp();
        }
    }

    // ---- put / get ----

    @Test
    void putThenGetReturnsEmptyObject() {
        roundTrip(dataHandle(1), new byte[0]);
    }

    @Test
    void putThenGetReturnsOneByteObject() {
        roundTrip(dataHandle(2), new byte[] {(byte) 0xa5});
    }

    @Test
    void putThenGetReturnsFiveMebibyteObject() {
        roundTrip(dataHandle(3), content(5 * 1024 * 1024, 3));
    }

    @Test
    void contentAddressedPutsStoreLikePutForEveryKindSoNamed() {
        for (ObjectKind kind : new ObjectKind[] {ObjectKind.DATA, ObjectKind.INDEX, ObjectKind.SNAPSHOT}) {
            for (int size : new int[] {0, 1, 300_000}) {
                byte[] content = content(size, size + kind.ordinal());
                Handle handle = contentAddressed(kind, content);
                storage.putContentAddressed(handle, content);
                assertThat(storage.get(handle)).as("%s of %d bytes", kind, size).isEqualTo(content);
                assertThat(storage.stat(handle)).map(ObjectInfo::size).contains((long) size);
            }
            assertThat(storage.list(kind)).hasSize(3);
        }
    }

    /**
     * An object written from the start of a larger, reused buffer is exactly that prefix: sizes
     * below and above the local adapter's direct-write threshold, and one that is not a multiple
     * of any block size.
     */
    @Test
    void contentAddressedPutOfABufferPrefixStoresOnlyThePrefix() {
        for (int size : new int[] {0, 5, 300_000, 3 * 1024 * 1024 + 17}) {
            byte[] buffer = content(size + 4096 + size / 3, size + 7);
            byte[] content = java.util.Arrays.copyOf(buffer, size);
            Handle handle = contentAddressed(ObjectKind.DATA, content);
            storage.putContentAddressed(handle, buffer, size);
            assertThat(storage.get(handle)).as("prefix of %d bytes", size).isEqualTo(content);
            assertThat(storage.stat(handle)).map(ObjectInfo::size).contains((long) size);
        }
        assertThatThrownBy(() -> storage.putContentAddressed(Handle.of(ObjectKind.DATA, "0".repeat(64)), new byte[3], 4))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void putReplacesExistingObjectWhole() {
        Handle handle = Handle.of(ObjectKind.INDEX, "replaced");
        storage.put(handle, content(100_000, 1));
        byte[] shorter = content(1_000, 2);
        storage.put(handle, shorter);

        assertThat(storage.get(handle)).isEqualTo(shorter);
        assertThat(storage.stat(handle)).map(ObjectInfo::size).contains((long) shorter.length);
        assertThat(storage.list(ObjectKind.INDEX)).extracting(ObjectInfo::handle).containsExactly(handle);
    }

    @Test
    void storedObjectIsIndependentOfCallerArrays() {
        Handle handle = Handle.of(ObjectKind.SNAPSHOT, "copied");
        byte[] original = content(64, 4);
        byte[] given = original.clone();
        storage.put(handle, given);
        given[0] ^= 1;

        byte[] read = storage.get(handle);
        read[1] ^= 1;

        assertThat(storage.get(handle)).isEqualTo(original);
    }

    @Test
    void configObjectRoundTrips() {
        byte[] config = content(300, 5);
        storage.put(Handle.CONFIG, config);

        assertThat(storage.get(Handle.CONFIG)).isEqualTo(config);
        assertThat(storage.list(ObjectKind.CONFIG)).extracting(ObjectInfo::handle).containsExactly(Handle.CONFIG);
    }

    @Test
    void sameNameInDifferentKindsNamesDifferentObjects() {
        String name = "ab12";
        Map<Handle, byte[]> written = new HashMap<>();
        int seed = 0;
        for (ObjectKind kind : ObjectKind.values()) {
            if (kind != ObjectKind.CONFIG) {
                Handle handle = Handle.of(kind, name);
                written.put(handle, content(10 + seed, seed++));
                storage.put(handle, written.get(handle));
            }
        }
        written.forEach((handle, bytes) -> assertThat(storage.get(handle)).as(handle.path()).isEqualTo(bytes));
    }

    // ---- create ----

    @Test
    void createWritesObjectThatDoesNotExist() {
        Handle handle = Handle.of(ObjectKind.LOCK, "lock-1");
        byte[] content = content(200, 6);

        assertThat(storage.create(handle, content)).isTrue();
        assertThat(storage.get(handle)).isEqualTo(content);
        assertThat(storage.stat(handle)).map(ObjectInfo::size).contains(200L);
    }

    @Test
    void createOfExistingObjectReturnsFalseAndKeepsIt() {
        Handle handle = Handle.of(ObjectKind.KEY, "key-1");
        byte[] first = content(100, 7);
        assertThat(storage.create(handle, first)).isTrue();

        assertThat(storage.create(handle, content(50, 8))).isFalse();
        assertThat(storage.get(handle)).isEqualTo(first);
        assertThat(storage.stat(handle)).map(ObjectInfo::size).contains(100L);
        assertThat(storage.create(handle, first)).as("even with identical content").isFalse();
    }

    @Test
    void createOfObjectWrittenByPutReturnsFalse() {
        Handle handle = Handle.of(ObjectKind.WAL, "sys/00000001/000000010000000000000001");
        byte[] segment = content(1000, 9);
        storage.put(handle, segment);

        assertThat(storage.create(handle, content(1000, 10))).isFalse();
        assertThat(storage.get(handle)).isEqualTo(segment);
    }

    @Test
    void createAfterDeleteWritesAgain() {
        Handle handle = Handle.of(ObjectKind.LOCK, "lock-2");
        assertThat(storage.create(handle, content(10, 11))).isTrue();
        storage.delete(handle);

        byte[] second = content(20, 12);
        assertThat(storage.create(handle, second)).isTrue();
        assertThat(storage.get(handle)).isEqualTo(second);
    }

    /**
     * A check-then-write create loses this race only when two threads meet in a window of
     * microseconds (about one round in three on a local disk), hence many rounds.
     */
    @Test
    @Timeout(120)
    void concurrentCreatesOfOneObjectHaveExactlyOneWinner() throws Exception {
        int rounds = 32;
        for (int round = 0; round < rounds; round++) {
            Handle handle = Handle.of(ObjectKind.LOCK, "race-" + round);
            List<byte[]> contents = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                contents.add(content(1000 + t, round * 100 + t));
            }
            List<Boolean> created = concurrently(THREADS, t -> storage.create(handle, contents.get(t)));

            List<Integer> winners = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                if (created.get(t)) {
                    winners.add(t);
                }
            }
            assertThat(winners).as("threads whose create returned true in round %d", round).hasSize(1);
            assertThat(storage.get(handle)).as("the winner's content").isEqualTo(contents.get(winners.get(0)));
        }
        assertThat(storage.list(ObjectKind.LOCK)).hasSize(rounds);
    }

    // ---- not found ----

    @Test
    void getOfMissingObjectThrowsNotFoundNamingIt() {
        Handle handle = dataHandle(20);

        assertThatThrownBy(() -> storage.get(handle))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessageContaining(handle.path());
    }

    @Test
    void getRangeOfMissingObjectThrowsNotFoundNamingIt() {
        Handle handle = Handle.of(ObjectKind.INDEX, "missing");

        assertThatThrownBy(() -> storage.getRange(handle, 0, 1))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessageContaining(handle.path());
        assertThatThrownBy(() -> storage.getRange(handle, 0, 1, new byte[1]))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessageContaining(handle.path());
    }

    @Test
    void statOfMissingObjectIsEmpty() {
        assertThat(storage.stat(dataHandle(21))).isEmpty();
        assertThat(storage.stat(Handle.CONFIG)).isEmpty();
        assertThat(storage.stat(Handle.of(ObjectKind.WAL, "sys/00000001/000000010000000000000001"))).isEmpty();
    }

    @Test
    void statReportsSizeAndModificationTime() {
        Handle handle = Handle.of(ObjectKind.SNAPSHOT, "stat");
        Instant before = Instant.now();
        storage.put(handle, content(12_345, 22));

        ObjectInfo info = storage.stat(handle).orElseThrow();
        assertThat(info.handle()).isEqualTo(handle);
        assertThat(info.size()).isEqualTo(12_345);
        assertThat(info.modified()).isBetween(before.minus(Duration.ofMinutes(10)), Instant.now().plus(Duration.ofMinutes(10)));
    }

    // ---- ranges ----

    @Test
    void getRangeReturnsExactlyTheRequestedBytes() {
        Handle handle = dataHandle(30);
        byte[] content = content(5 * 1024 * 1024, 30);
        storage.put(handle, content);

        assertRange(handle, content, 0, content.length);
        assertRange(handle, content, 0, 1);
        assertRange(handle, content, content.length - 1, 1);
        assertRange(handle, content, 12_345, 54_321);
        assertRange(handle, content, content.length - 4096, 4096);
    }

    @Test
    void getRangeBeyondTheEndThrowsDamagedData() {
        Handle handle = dataHandle(31);
        byte[] content = content(1000, 31);
        storage.put(handle, content);

        for (long[] range : new long[][] {{990, 11}, {0, 1001}, {1000, 1}, {5000, 10}}) {
            assertThatThrownBy(() -> storage.getRange(handle, range[0], (int) range[1]))
                    .as("range %d+%d of a 1000-byte object", range[0], range[1])
                    .isInstanceOfSatisfying(LifeboatException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.DAMAGED_DATA))
                    .hasMessageContaining(handle.path());
            assertThatThrownBy(() -> storage.getRange(handle, range[0], (int) range[1], new byte[2000]))
                    .as("range %d+%d of a 1000-byte object, into an array", range[0], range[1])
                    .isInstanceOfSatisfying(LifeboatException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.DAMAGED_DATA))
                    .hasMessageContaining(handle.path());
        }
    }

    // ---- delete ----

    @Test
    void deleteRemovesObject() {
        Handle handle = dataHandle(40);
        storage.put(handle, content(10, 40));
        storage.delete(handle);

        assertThat(storage.stat(handle)).isEmpty();
        assertThat(storage.list(ObjectKind.DATA)).isEmpty();
        assertThatThrownBy(() -> storage.get(handle))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void deleteIsIdempotent() {
        Handle handle = Handle.of(ObjectKind.LOCK, "gone");
        storage.delete(handle);
        storage.put(handle, content(10, 41));
        storage.delete(handle);
        storage.delete(handle);

        assertThat(storage.stat(handle)).isEmpty();
    }

    @Test
    void deleteLeavesOtherObjectsAlone() {
        Handle kept = dataHandle(42);
        Handle deleted = Handle.of(ObjectKind.DATA, kept.name().substring(0, 2) + "ff".repeat(31));
        storage.put(kept, content(10, 42));
        storage.put(deleted, content(10, 43));
        storage.delete(deleted);

        assertThat(storage.list(ObjectKind.DATA)).extracting(ObjectInfo::handle).containsExactly(kept);
    }

    // ---- list ----

    @Test
    void listOfEmptyStorageIsEmptyForEveryKind() {
        for (ObjectKind kind : ObjectKind.values()) {
            assertThat(storage.list(kind)).as(kind.folder()).isEmpty();
        }
    }

    @Test
    void listReturnsExactlyTheObjectsOfEachKind() {
        Map<Handle, Integer> sizes = new HashMap<>();
        Random random = new Random(50);
        sizes.put(Handle.CONFIG, 120);
        for (int i = 0; i < 40; i++) {
            sizes.put(dataHandle(random), random.nextInt(2000));
        }
        sizes.put(Handle.of(ObjectKind.DATA, "ab"), 7);
        sizes.put(Handle.of(ObjectKind.DATA, "ab" + "0".repeat(62)), 8);
        sizes.put(Handle.of(ObjectKind.DATA, "ab" + "1".repeat(62)), 9);
        for (ObjectKind kind : List.of(ObjectKind.KEY, ObjectKind.INDEX, ObjectKind.SNAPSHOT, ObjectKind.LOCK,
                ObjectKind.HOLD)) {
            for (int i = 0; i < 5; i++) {
                sizes.put(Handle.of(kind, Hex.encode(content(32, random.nextLong()))), random.nextInt(500));
            }
        }
        for (String wal : List.of("7301/00000001/000000010000000000000001", "7301/00000001/000000010000000000000002",
                "7301/00000002.history", "7302/00000001/000000010000000000000001", "7303-top")) {
            sizes.put(Handle.of(ObjectKind.WAL, wal), random.nextInt(3000));
        }
        sizes.forEach((handle, size) -> storage.put(handle, content(size, handle.hashCode())));

        for (ObjectKind kind : ObjectKind.values()) {
            Map<Handle, Long> expected = sizes.entrySet().stream()
                    .filter(e -> e.getKey().kind() == kind)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> (long) e.getValue()));
            Map<Handle, Long> listed = new HashMap<>();
            for (ObjectInfo info : storage.list(kind)) {
                assertThat(listed.put(info.handle(), info.size())).as("listed twice: " + info.handle()).isNull();
            }
            assertThat(listed).as("list(%s)", kind).isEqualTo(expected);
        }
    }

    @Test
    void walNamesWithSlashesWorkLikeAnyName() {
        Handle segment = Handle.of(ObjectKind.WAL, "7301/00000003/00000003000000A2000000FF");
        Handle history = Handle.of(ObjectKind.WAL, "7301/00000003.history");
        byte[] segmentBytes = content(16 * 1024, 60);
        storage.put(segment, segmentBytes);
        assertThat(storage.create(history, content(80, 61))).isTrue();

        assertThat(storage.get(segment)).isEqualTo(segmentBytes);
        assertRange(segment, segmentBytes, 8192, 100);
        assertThat(storage.stat(history)).map(ObjectInfo::size).contains(80L);
        assertThat(storage.list(ObjectKind.WAL)).extracting(ObjectInfo::handle).containsExactlyInAnyOrder(segment, history);

        storage.delete(segment);
        assertThat(storage.list(ObjectKind.WAL)).extracting(ObjectInfo::handle).containsExactly(history);
    }

    @Test
    @Timeout(120)
    void concurrentPutsOfDistinctObjectsAreAllListed() throws Exception {
        int perThread = 24;
        List<List<Handle>> written = concurrently(THREADS, t -> {
            Random random = new Random(70 + t);
            List<Handle> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                Handle handle = dataHandle(random);
                storage.put(handle, content(100 + i, handle.hashCode()));
                mine.add(handle);
            }
            return mine;
        });

        Set<Handle> expected = new HashSet<>();
        written.forEach(expected::addAll);
        assertThat(expected).hasSize(THREADS * perThread);
        assertThat(storage.list(ObjectKind.DATA)).extracting(ObjectInfo::handle).containsExactlyInAnyOrderElementsOf(expected);
        for (Handle handle : expected) {
            assertThat(storage.stat(handle)).as(handle.path()).isPresent();
        }
    }

    // ---- atomicity under concurrency ----

    @Test
    @Timeout(120)
    void readersSeeOnlyWholeVersionsWhileAnObjectIsReplaced() throws Exception {
        Handle handle = Handle.of(ObjectKind.INDEX, "replaced-concurrently");
        byte[] a = filled(256 * 1024, (byte) 'a');
        byte[] b = filled(384 * 1024, (byte) 'b');
        storage.put(handle, a);
        AtomicBoolean writing = new AtomicBoolean(true);

        List<Integer> reads = concurrently(4, t -> {
            if (t == 0) {
                try {
                    for (int i = 0; i < 40; i++) {
                        storage.put(handle, i % 2 == 0 ? b : a);
                    }
                } finally {
                    writing.set(false);
                }
                return 0;
            }
            int count = 0;
            while (writing.get() || count == 0) {
                byte[] read = storage.get(handle);
                assertThat(Arrays.equals(read, a) || Arrays.equals(read, b))
                        .as("read %d bytes, which must be one whole version", read.length).isTrue();
                count++;
            }
            return count;
        });
        assertThat(reads.subList(1, reads.size())).allSatisfy(count -> assertThat(count).isPositive());
        assertThat(storage.get(handle)).isEqualTo(a);
    }

    @Test
    @Timeout(120)
    void listNeverShowsPartialObjectsWhileTheyAreWritten() throws Exception {
        int size = 1024 * 1024;
        int objects = 24;
        AtomicInteger writers = new AtomicInteger(2);

        List<Integer> listings = concurrently(3, t -> {
            if (t < 2) {
                try {
                    Random random = new Random(80 + t);
                    for (int i = 0; i < objects / 2; i++) {
                        storage.put(dataHandle(random), content(size, random.nextLong()));
                    }
                } finally {
                    writers.decrementAndGet();
                }
                return 0;
            }
            int count = 0;
            while (writers.get() > 0 || count == 0) {
                for (ObjectInfo info : storage.list(ObjectKind.DATA)) {
                    assertThat(info.size()).as("listed size of %s", info.handle()).isEqualTo(size);
                }
                count++;
            }
            return count;
        });
        assertThat(listings.get(2)).isPositive();
        assertThat(storage.list(ObjectKind.DATA)).hasSize(objects)
                .allSatisfy(info -> assertThat(info.size()).isEqualTo(size));
    }

    // ---- location ----

    @Test
    void locationIsNamedWithoutSecrets() {
        String location = storage.location();

        assertThat(location).isNotBlank();
        assertThat(location).as("user info in a URL").doesNotContainPattern("://[^/]*@");
        for (String secret : secrets()) {
            assertThat(location).doesNotContain(secret);
        }
    }

    // ---- helpers ----

    /** Deterministic pseudo-random content. */
    protected static byte[] content(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** A data handle with a random 64-hex-character name, like a pack id. */
    protected static Handle dataHandle(Random random) {
        return Handle.of(ObjectKind.DATA, Hex.encode(content(32, random.nextLong())));
    }

    /** The handle of kind {@code kind} named by the hex SHA-256 of {@code content}, as packs are. */
    protected static Handle contentAddressed(ObjectKind kind, byte[] content) {
        try {
            return Handle.of(kind, Hex.encode(java.security.MessageDigest.getInstance("SHA-256").digest(content)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A data handle whose name is fixed by {@code seed}. */
    protected static Handle dataHandle(long seed) {
        return dataHandle(new Random(seed));
    }

    /**
     * Runs {@code task} on {@code threads} threads released at the same moment and returns the
     * results by thread number; fails with the first task failure.
     */
    protected static <T> List<T> concurrently(int threads, ThreadTask<T> task) throws Exception {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int number = t;
                Callable<T> call = () -> {
                    ready.countDown();
                    go.await();
                    return task.run(number);
                };
                futures.add(pool.submit(call));
            }
            try {
                assertThat(ready.await(CONCURRENCY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("threads started").isTrue();
            } finally {
                go.countDown();
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                try {
                    results.add(future.get(CONCURRENCY_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
            return results;
        }
    }

    /** Work for one thread of {@link #concurrently}. */
    @FunctionalInterface
    protected interface ThreadTask<T> {
        T run(int threadNumber) throws Exception;
    }

    private void roundTrip(Handle handle, byte[] content) {
        storage.put(handle, content);

        assertThat(storage.get(handle)).isEqualTo(content);
        assertThat(storage.stat(handle)).map(ObjectInfo::size).contains((long) content.length);
        assertThat(storage.list(handle.kind())).extracting(ObjectInfo::handle).containsExactly(handle);
    }

    private void assertRange(Handle handle, byte[] content, int offset, int length) {
        byte[] expected = Arrays.copyOfRange(content, offset, offset + length);
        assertThat(storage.getRange(handle, offset, length)).as("range %d+%d of %s", offset, length, handle.path())
                .isEqualTo(expected);
        // Into a reused, larger array: exactly the range at its start, the rest untouched.
        byte[] into = filled(length + 100, (byte) 0x5A);
        storage.getRange(handle, offset, length, into);
        assertThat(Arrays.copyOf(into, length)).as("range %d+%d of %s into an array", offset, length, handle.path())
                .isEqualTo(expected);
        assertThat(Arrays.copyOfRange(into, length, into.length)).containsOnly((byte) 0x5A);
    }

    private static byte[] filled(int size, byte value) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, value);
        return bytes;
    }
}
