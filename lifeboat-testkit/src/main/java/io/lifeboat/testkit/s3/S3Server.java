package io.lifeboat.testkit.s3;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3 protocol server in the test JVM: S3Proxy on 127.0.0.1, a free port, with random
 * credentials that only this server accepts (AWS signature v2 or v4). Objects live in memory, or
 * in a directory for tests that store more than memory should hold.
 *
 * <pre>{@code
 * try (S3Server s3 = S3Server.start()) {
 *     s3.createBucket("backups");
 *     var env = s3.environment();   // LIFEBOAT_S3_ENDPOINT, AWS_ACCESS_KEY_ID, … for a CLI child process
 * }
 * }</pre>
 */
public final class S3Server implements AutoCloseable {
    public static final String REGION = "us-east-1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final S3Proxy proxy;
    private final BlobStore store;
    private final String accessKey;
    private final String secretKey;

    private S3Server(S3Proxy proxy, BlobStore store, String accessKey, String secretKey) {
        this.proxy = proxy;
        this.store = store;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** A server keeping objects in memory. */
    public static S3Server start() {
        return start(BlobStores.create("transient", new Properties()));
    }

    /** A server keeping objects as files under {@code directory} (created when missing). */
    public static S3Server start(Path directory) {
        try {
            java.nio.file.Files.createDirectories(directory);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + directory, e);
        }
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", directory.toAbsolutePath().toString());
        p.setProperty("s3proxy.filesystem.basedir", directory.toAbsolutePath().toString());
        return start(BlobStores.create("filesystem", p));
    }

    private static S3Server start(BlobStore backing) {
        BlobStore store = new WithoutTemporaries(backing);
        SecureRandom random = new SecureRandom();
        String access = "LBTEST" + HexFormat.of().withUpperCase().formatHex(bytes(random, 7));
        String secret = HexFormat.of().formatHex(bytes(random, 20));
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, access, secret)
                .ignoreUnknownHeaders(true)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("S3Proxy did not start within " + START_TIMEOUT);
                }
                Thread.sleep(10);
            }
        } catch (Exception e) {
            try {
                proxy.stop();
            } catch (Exception stop) {
                e.addSuppressed(stop);
            }
            throw new IllegalStateException("cannot start the in-process S3 server", e);
        }
        return new S3Server(proxy, store, access, secret);
    }

    private static byte[] bytes(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    public int port() {
        return proxy.getPort();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    public void createBucket(String bucket) {
        store.createContainer(bucket);
    }

    /** The keys stored in {@code bucket} under {@code prefix}, read on the server side. */
    public List<String> keys(String bucket, String prefix) {
        List<String> keys = new java.util.ArrayList<>();
        String token = null;
        do {
            ListObjectsV2Request.Builder r = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix);
            if (token != null) {
                r.continuationToken(token);
            }
            var page = store.list(r.build());
            page.contents().stream().map(S3Object::key).forEach(keys::add);
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return keys;
    }

    /** The total size of the objects under {@code prefix}. */
    public long bytes(String bucket, String prefix) {
        long total = 0;
        for (String key : keys(bucket, prefix)) {
            total += store.blobMetadata(bucket, key).contentLength();
        }
        return total;
    }

    /**
     * The environment that points Lifeboat (and other AWS tools) at this server: endpoint, path
     * style, region and the keys. For child processes; never put these on a command line.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LIFEBOAT_S3_ENDPOINT", endpoint().toString());
        env.put("LIFEBOAT_S3_PATH_STYLE", "true");
        env.put("AWS_REGION", REGION);
        env.put("AWS_ACCESS_KEY_ID", accessKey);
        env.put("AWS_SECRET_ACCESS_KEY", secretKey);
        return env;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the in-process S3 server", e);
        } finally {
            store.close();
        }
    }

    @Override
    public String toString() {
        return "S3Server[" + endpoint() + "]";
    }

    /**
     * Runs a server for benchmarks and manual tests until stdin closes:
     * {@code S3Server DIRECTORY BUCKET ENV_FILE}. Objects live under DIRECTORY; the environment
     * that points Lifeboat at the server (keys included) is written to ENV_FILE (mode 0600) as
     * {@code export NAME=VALUE} lines, never to stdout or the command line.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: S3Server DIRECTORY BUCKET ENV_FILE");
            System.exit(2);
        }
        try (S3Server server = start(Path.of(args[0]))) {
            server.createBucket(args[1]);
            Path envFile = Path.of(args[2]);
            java.nio.file.Files.deleteIfExists(envFile);
            java.nio.file.Files.createFile(envFile, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            StringBuilder lines = new StringBuilder();
            server.environment().forEach((k, v) -> lines.append("export ").append(k).append('=').append(v).append('\n'));
            java.nio.file.Files.writeString(envFile, lines);
            System.out.println("S3 server on " + server.endpoint() + ", bucket " + args[1] + "; stop with EOF on stdin");
            System.out.flush();
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    /**
     * S3Proxy's file stores write an upload to {@code <key>-<random UUID>} beside the key and
     * rename it when complete; their listings show that temporary meanwhile, with a partial size.
     * Real S3 never lists an object before it is complete, so this store hides those names.
     */
    private static final class WithoutTemporaries extends ForwardingBlobStore {
        private static final Pattern TEMPORARY =
                Pattern.compile(".*-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

        WithoutTemporaries(BlobStore delegate) {
            super(delegate);
        }

        @Override
        public ListObjectsV2Response list(ListObjectsV2Request request) {
            ListObjectsV2Response page = super.list(request);
            if (page.contents().stream().noneMatch(o -> TEMPORARY.matcher(o.key()).matches())) {
                return page;
            }
            return page.toBuilder()
                    .contents(page.contents().stream().filter(o -> !TEMPORARY.matcher(o.key()).matches()).toList())
                    .build();
        }
    }
}
