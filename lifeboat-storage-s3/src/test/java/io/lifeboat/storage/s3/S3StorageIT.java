package io.lifeboat.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.RequestCounts;
import io.lifeboat.core.storage.RetryingStorage;
import io.lifeboat.core.storage.RetryingStorageConfig;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.testkit.net.FaultProxy;
import io.lifeboat.testkit.s3.S3Server;
import io.lifeboat.testkit.storage.StorageContractTest;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The storage contract, and what S3 adds to it, against a real S3 protocol server (S3Proxy). */
class S3StorageIT extends StorageContractTest {
    private static final String BUCKET = "lifeboat-it";
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static S3Server server;

    private String prefix;

    @BeforeAll
    static void startServer() {
        server = S3Server.start();
        server.createBucket(BUCKET);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** Each test gets its own prefix in the shared bucket: prefixes must isolate repositories. */
    @Override
    protected Storage newStorage() {
        prefix = "run-" + RUNS.incrementAndGet() + "/repo";
        return new S3Storage(config(prefix));
    }

    @Override
    protected Collection<String> secrets() {
        return List.of(server.secretKey(), server.accessKey());
    }

    static S3StorageConfig config(String prefix) {
        return S3StorageConfig.of(BUCKET, prefix, new S3Credentials.Keys(server.accessKey(), server.secretKey()))
                .withEndpoint(server.endpoint(), true);
    }

    private S3Storage s3() {
        return (S3Storage) storage();
    }

    @Test
    void objectsLiveAtTheirHandlePathUnderThePrefix() {
        Handle pack = dataHandle(1);
        storage().put(pack, content(10, 1));
        storage().put(Handle.CONFIG, content(10, 2));
        storage().put(Handle.of(ObjectKind.WAL, "7301/00000001/000000010000000000000001"), content(10, 3));

        assertThat(server.keys(BUCKET, prefix + "/")).containsExactlyInAnyOrder(
                prefix + "/data/" + pack.name().substring(0, 2) + "/" + pack.name(), prefix + "/config",
                prefix + "/wal/7301/00000001/000000010000000000000001");
    }

    @Test
    void prefixesSeparateRepositoriesInOneBucket() {
        Handle handle = Handle.of(ObjectKind.SNAPSHOT, "same-name");
        storage().put(handle, content(10, 1));
        try (S3Storage sibling = new S3Storage(config(prefix + "-sibling"));
                S3Storage nested = new S3Storage(config(prefix + "/nested"))) {
            assertThat(sibling.stat(handle)).isEmpty();
            assertThat(sibling.list(ObjectKind.SNAPSHOT)).isEmpty();
            assertThat(nested.list(ObjectKind.SNAPSHOT)).isEmpty();
            sibling.put(handle, content(20, 2));
        }
        assertThat(storage().get(handle)).isEqualTo(content(10, 1));
    }

    @Test
    void largeObjectsGoUpInPartsAndReadBackWhole() {
        try (S3Storage small = new S3Storage(config(prefix).withPartSize(5 * 1024 * 1024))) {
            Handle pack = dataHandle(7);
            byte[] content = content(17 * 1024 * 1024 + 5, 7);
            RequestCounts before = small.requestCounts().orElseThrow();
            small.put(pack, content);
            RequestCounts used = small.requestCounts().orElseThrow().since(before);

            // start + 4 parts (5+5+5+2 MiB) + complete
            assertThat(used).isEqualTo(new RequestCounts(6, 0, 0, 0, 0));
            assertThat(small.get(pack)).isEqualTo(content);
            assertThat(small.getRange(pack, 5 * 1024 * 1024 - 3, 7))
                    .isEqualTo(java.util.Arrays.copyOfRange(content, 5 * 1024 * 1024 - 3, 5 * 1024 * 1024 + 4));
            assertThat(small.list(ObjectKind.DATA)).extracting(ObjectInfo::size).containsExactly((long) content.length);
        }
    }

    @Test
    void aPackGoesUpInOnePutUpToTheMultipartThreshold() {
        Handle pack = dataHandle(8);
        byte[] content = content(17 * 1024 * 1024 + 5, 8);
        RequestCounts before = s3().requestCounts().orElseThrow();
        storage().put(pack, content);

        assertThat(s3().requestCounts().orElseThrow().since(before)).isEqualTo(new RequestCounts(1, 0, 0, 0, 0));
        assertThat(storage().get(pack)).isEqualTo(content);
    }

    /**
     * Over plain HTTP no Content-MD5 is sent: the SigV4 signature of the payload is what the
     * server checks. A bit flipped on the way, in a single PUT or in a part of a multipart upload,
     * must make the server refuse the upload (retryably: the keys are known to work), never store
     * changed bytes, and the next attempt must store the right ones.
     */
    @Test
    void aBitFlippedInTransitIsRefusedAndNothingIsStored() {
        try (FaultProxy proxy = FaultProxy.start(server.endpoint().getPort(), 7);
                S3Storage viaProxy = new S3Storage(config(prefix).withPartSize(5 * 1024 * 1024)
                        .withEndpoint(URI.create("http://127.0.0.1:" + proxy.port()), true))) {
            assertThat(viaProxy.stat(dataHandle(0))).as("a signed request the server accepts").isEmpty();
            // What backups use: the retrying layer, which also gets past the connection the server closed.
            Storage retrying = new RetryingStorage(viaProxy,
                    RetryingStorageConfig.defaults().withDelays(Duration.ofMillis(10), Duration.ofMillis(50)));
            int round = 0;
            for (int size : new int[] {1024 * 1024, 17 * 1024 * 1024}) {
                Handle pack = dataHandle(size);
                byte[] content = content(size, 9);
                proxy.corruptOnce(300_000);

                assertThatThrownBy(() -> viaProxy.put(pack, content)).isInstanceOf(LifeboatException.class)
                        .satisfies(e -> assertThat(((LifeboatException) e).retryable())
                                .as("a corrupted upload may be retried: %s", e.getMessage()).isTrue());
                assertThat(proxy.corrupted()).isEqualTo(++round);
                assertThat(storage().stat(pack)).as("nothing stored from a corrupted upload").isEmpty();

                retrying.put(pack, content);
                assertThat(storage().get(pack)).isEqualTo(content);
            }
            Handle last = dataHandle(3);
            proxy.corruptOnce(200_000);
            retrying.put(last, content(2 * 1024 * 1024, 3));
            assertThat(proxy.corrupted()).isEqualTo(3);
            assertThat(storage().get(last)).isEqualTo(content(2 * 1024 * 1024, 3));
        }
    }

    /**
     * A content-addressed PUT is signed with its name as the payload's SHA-256: the server
     * refuses bytes that do not hash to the name, flipped on the way or simply not the named
     * content, and stores nothing of them; the retry of a flipped upload stores the right bytes.
     */
    @Test
    void aContentAddressedUploadIsCheckedAgainstItsNameByTheServer() {
        byte[] content = content(3 * 1024 * 1024 + 7, 11);
        Handle pack = contentAddressed(ObjectKind.DATA, content);
        RequestCounts before = s3().requestCounts().orElseThrow();
        storage().putContentAddressed(pack, content);
        assertThat(s3().requestCounts().orElseThrow().since(before)).isEqualTo(new RequestCounts(1, 0, 0, 0, 0));
        assertThat(storage().get(pack)).isEqualTo(content);

        Handle misnamed = dataHandle(12);
        assertThatThrownBy(() -> storage().putContentAddressed(misnamed, content))
                .isInstanceOf(LifeboatException.class).hasMessageContaining(misnamed.path());
        assertThat(storage().stat(misnamed)).as("nothing stored under a name the bytes do not hash to").isEmpty();

        try (FaultProxy proxy = FaultProxy.start(server.endpoint().getPort(), 5);
                S3Storage viaProxy = new S3Storage(config(prefix)
                        .withEndpoint(URI.create("http://127.0.0.1:" + proxy.port()), true))) {
            assertThat(viaProxy.stat(pack)).as("a signed request the server accepts").isPresent();
            byte[] next = content(2 * 1024 * 1024, 13);
            Handle flipped = contentAddressed(ObjectKind.INDEX, next);
            proxy.corruptOnce(100_000);
            assertThatThrownBy(() -> viaProxy.putContentAddressed(flipped, next)).isInstanceOf(LifeboatException.class)
                    .satisfies(e -> assertThat(((LifeboatException) e).retryable()).isTrue());
            assertThat(proxy.corrupted()).isEqualTo(1);
            assertThat(storage().stat(flipped)).as("nothing stored from a corrupted upload").isEmpty();

            new RetryingStorage(viaProxy, RetryingStorageConfig.defaults()
                    .withDelays(Duration.ofMillis(10), Duration.ofMillis(50))).putContentAddressed(flipped, next);
            assertThat(storage().get(flipped)).isEqualTo(next);
        }
    }

    @Test
    void requestsAreCountedByType() {
        Handle handle = Handle.of(ObjectKind.INDEX, "counted");
        RequestCounts before = s3().requestCounts().orElseThrow();
        storage().put(handle, content(100, 1));
        storage().create(Handle.of(ObjectKind.LOCK, "l"), content(10, 2));
        storage().get(handle);
        storage().getRange(handle, 10, 10);
        storage().stat(handle);
        storage().list(ObjectKind.INDEX);
        storage().delete(handle);

        assertThat(s3().requestCounts().orElseThrow().since(before)).isEqualTo(new RequestCounts(2, 2, 1, 1, 1));
    }

    @Test
    void checkThenPutCreateIsExclusiveForOneClient() {
        try (S3Storage fallback = new S3Storage(config(prefix).withCreate(S3StorageConfig.CreateMode.CHECK_THEN_PUT))) {
            Handle lock = Handle.of(ObjectKind.LOCK, "fallback");
            assertThat(fallback.create(lock, content(10, 1))).isTrue();
            assertThat(fallback.create(lock, content(10, 2))).isFalse();
            assertThat(fallback.get(lock)).isEqualTo(content(10, 1));
        }
    }

    @Test
    void wrongSecretKeyFailsClearlyWithoutRetryAndWithoutPrintingTheKey() {
        String wrongSecret = "wrong-" + server.secretKey().substring(6);
        S3StorageConfig wrong = S3StorageConfig.of(BUCKET, prefix, new S3Credentials.Keys(server.accessKey(), wrongSecret))
                .withEndpoint(server.endpoint(), true);
        try (S3Storage storage = new S3Storage(wrong)) {
            assertThatThrownBy(() -> storage.put(Handle.CONFIG, content(10, 1)))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_IO);
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).contains("403").contains("config");
                        assertThat(e.hint()).contains("access key");
                        assertThat(e.getMessage() + e.hint() + e).doesNotContain(wrongSecret)
                                .doesNotContain(server.secretKey());
                    });
        }
    }

    @Test
    void missingBucketIsNotRetriedAndSaysSo() {
        S3StorageConfig missing = S3StorageConfig.of("no-such-bucket", "x",
                new S3Credentials.Keys(server.accessKey(), server.secretKey())).withEndpoint(server.endpoint(), true);
        try (S3Storage storage = new S3Storage(missing)) {
            assertThatThrownBy(() -> storage.list(ObjectKind.SNAPSHOT))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_IO);
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.hint()).contains("create the bucket no-such-bucket");
                    });
        }
    }

    @Test
    void unreachableServerIsRetryable() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        S3StorageConfig nowhere = S3StorageConfig.of(BUCKET, "x", new S3Credentials.Keys("a", "b"))
                .withEndpoint(URI.create("http://127.0.0.1:" + port), true).withSocketTimeout(Duration.ofSeconds(5));
        try (S3Storage storage = new S3Storage(nowhere)) {
            assertThatThrownBy(() -> storage.get(Handle.CONFIG))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_IO);
                        assertThat(e.retryable()).isTrue();
                        assertThat(e.getMessage()).contains("read config");
                    });
        }
    }
}
