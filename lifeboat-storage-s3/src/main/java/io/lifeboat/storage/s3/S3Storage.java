package io.lifeboat.storage.s3;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectInfo;
import io.lifeboat.core.storage.ObjectKind;
import io.lifeboat.core.storage.RequestCounts;
import io.lifeboat.core.storage.Storage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * {@link Storage} in an S3 bucket under a key prefix, for AWS S3 and S3-compatible servers. An
 * object lives at {@code <prefix><Handle.path()>}, e.g. {@code lifeboat/data/3f/3fa2…}.
 *
 * <h2>How the contract is kept</h2>
 * <ul>
 *   <li><b>Atomic, durable put:</b> S3 makes an object visible whole or not at all, after it is
 *       stored durably. Objects larger than the multipart threshold (32 MiB) go up as a multipart upload
 *       ({@link MultipartPut}), which is equally atomic: nothing is visible before the completion,
 *       and a failed upload is aborted.</li>
 *   <li><b>Exclusive create:</b> {@code PUT} with {@code If-None-Match: *} ({@link
 *       S3StorageConfig.CreateMode}); 412 Precondition Failed means the object exists.</li>
 *   <li><b>Integrity in transit:</b> the server checks every upload before it stores anything:
 *       against its {@code Content-MD5} over HTTPS, against the SigV4 signature of its payload
 *       over plain HTTP, where the SDK signs the bytes anyway and an MD5 would be a second
 *       full pass for nothing ({@link S3StorageConfig#payloadSigned}). The SDK's default CRC32 checksums are switched to
 *       {@code WHEN_REQUIRED}: by default the SDK sends them as a trailer of an
 *       {@code aws-chunked} body, which MinIO before 2023, Ceph RGW before Reef, B2, and other
 *       servers reject or store corrupted; Content-MD5 is understood by every one of them.
 *       Reads need no checksum here: every pack and blob is authenticated by AES-GCM and hashed
 *       by the repository.</li>
 *   <li><b>Failures and retries:</b> the SDK's own retries are off; {@link S3Failure} marks
 *       throttling, 5xx and I/O failures retryable, so the {@code RetryingStorage} around this
 *       one is the single layer that retries, with backoff.</li>
 *   <li><b>Listing:</b> ListObjectsV2 pages under {@code <prefix><folder>/}; keys that are no
 *       Lifeboat object name are ignored (like files other tools left in a directory).</li>
 * </ul>
 *
 * <p>Thread safe: the S3 client is, and this class keeps no other mutable state. Requests are
 * counted by {@link RequestCounter}, for {@link #requestCounts()}.
 */
public final class S3Storage implements Storage {
    private static final String NOT_FOUND_HINT =
            "the object was never written or has been removed; run 'lifeboat check' to list missing objects";

    private final S3StorageConfig config;
    private final S3Client client;
    private final RequestCounter counter;
    private final MultipartPut multipart;

    public S3Storage(S3StorageConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.counter = new RequestCounter();
        this.client = newClient(config, counter);
        this.multipart = new MultipartPut(client, config, counter);
    }

    private static S3Client newClient(S3StorageConfig config, RequestCounter counter) {
        Apache5HttpClient.Builder http = Apache5HttpClient.builder()
                .maxConnections(Math.max(50, config.partConcurrency() * 8))
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(config.socketTimeout())
                .tcpKeepAlive(true)
                .expectContinueEnabled(false);
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(http)
                .region(Region.of(config.region()))
                .credentialsProvider(config.credentials().provider())
                .forcePathStyle(config.pathStyle())
                .putAuthScheme(ContentSha256Signer.authScheme())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .addExecutionInterceptor(counter));
        URI endpoint = config.endpoint();
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        return b.build();
    }

    public S3StorageConfig config() {
        return config;
    }

    @Override
    public String location() {
        return config.location();
    }

    @Override
    public void put(Handle handle, byte[] content) {
        put(handle, content, content.length, null);
    }

    /**
     * One PUT signed with the name as the payload's SHA-256 ({@link ContentSha256Signer}): the
     * bytes are not hashed again on the way out, and the server refuses them when they do not
     * hash to the name. Larger objects go up as a multipart upload, as {@link #put} sends them.
     */
    @Override
    public void putContentAddressed(Handle handle, byte[] content) {
        put(handle, content, content.length, handle.name());
    }

    @Override
    public void putContentAddressed(Handle handle, byte[] content, int length) {
        Objects.checkFromIndexSize(0, length, content.length);
        put(handle, content, length, handle.name());
    }

    /** Writes {@code content[0, length)}. */
    private void put(Handle handle, byte[] content, int length, String sha256) {
        String key = key(handle);
        if (length > config.multipartThreshold()) {
            byte[] whole = length == content.length ? content : Arrays.copyOf(content, length);
            multipart.upload(key, whole, isDataPack(handle), "write " + handle.path());
            return;
        }
        try {
            client.putObject(putRequest(key, content, length, handle, null, sha256), body(content, length));
        } catch (SdkException e) {
            throw S3Failure.ofUpload(e, "write " + handle.path(), config, counter.signedRequestAccepted());
        }
    }

    /** The request body on {@code content} itself: {@code RequestBody.fromBytes} would copy it. */
    static RequestBody body(byte[] content) {
        return body(content, content.length);
    }

    /** The request body on {@code content[0, length)}, without a copy. */
    static RequestBody body(byte[] content, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(content, 0, length), length,
                "application/octet-stream");
    }

    @Override
    public boolean create(Handle handle, byte[] content) {
        String key = key(handle);
        String action = "create " + handle.path();
        if (config.create() == S3StorageConfig.CreateMode.CHECK_THEN_PUT) {
            if (stat(handle).isPresent()) {
                return false;
            }
            put(handle, content);
            return true;
        }
        try {
            client.putObject(putRequest(key, content, handle, "*", null), body(content));
            return true;
        } catch (SdkException e) {
            if (S3Failure.hasStatus(e, 412)) {
                return false;
            }
            throw S3Failure.ofUpload(e, action, config, counter.signedRequestAccepted());
        }
    }

    @Override
    public byte[] get(Handle handle) {
        String action = "read " + handle.path();
        try {
            return bytes(GetObjectRequest.builder().bucket(config.bucket()).key(key(handle)).build());
        } catch (SdkException e) {
            if (isMissing(e)) {
                throw notFound(handle);
            }
            throw S3Failure.of(e, action, config);
        }
    }

    @Override
    public byte[] getRange(Handle handle, long offset, int length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range " + offset + "+" + length);
        }
        if (length == 0) {
            long size = stat(handle).orElseThrow(() -> notFound(handle)).size();
            if (offset > size) {
                throw beyondEnd(handle, offset, length, size);
            }
            return new byte[0];
        }
        String action = "read " + handle.path() + " range " + offset + "+" + length;
        byte[] bytes;
        try {
            bytes = bytes(GetObjectRequest.builder().bucket(config.bucket()).key(key(handle))
                    .range("bytes=" + offset + "-" + (offset + length - 1)).build());
        } catch (SdkException e) {
            if (isMissing(e)) {
                throw notFound(handle);
            }
            if (S3Failure.hasStatus(e, 416)) {
                throw beyondEnd(handle, offset, length, -1);
            }
            throw S3Failure.of(e, action, config);
        }
        if (bytes.length != length) {
            throw beyondEnd(handle, offset, length, bytes.length < length ? offset + bytes.length : -1);
        }
        return bytes;
    }

    /**
     * The body of a GET, read into an array of the response's length: the SDK's
     * {@code getObjectAsBytes} grows a buffer while it reads and copies it once more at the end.
     */
    private byte[] bytes(GetObjectRequest request) {
        return client.getObject(request, (response, in) -> {
            Long length = response.contentLength();
            if (length == null || length < 0 || length > Integer.MAX_VALUE - 8) {
                return in.readAllBytes();
            }
            byte[] body = new byte[length.intValue()];
            int n = in.readNBytes(body, 0, body.length);
            return n == body.length ? body : java.util.Arrays.copyOf(body, n);
        });
    }

    @Override
    public Optional<ObjectInfo> stat(Handle handle) {
        try {
            HeadObjectResponse r = client.headObject(HeadObjectRequest.builder().bucket(config.bucket()).key(key(handle)).build());
            return Optional.of(new ObjectInfo(handle, r.contentLength(), r.lastModified()));
        } catch (SdkException e) {
            if (isMissing(e)) {
                return Optional.empty();
            }
            throw S3Failure.of(e, "look up " + handle.path(), config);
        }
    }

    @Override
    public List<ObjectInfo> list(ObjectKind kind) {
        if (kind == ObjectKind.CONFIG) {
            return stat(Handle.CONFIG).map(List::of).orElse(List.of());
        }
        String folder = config.prefix() + kind.folder() + "/";
        List<ObjectInfo> objects = new ArrayList<>();
        String token = null;
        do {
            ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(config.bucket()).prefix(folder);
            if (token != null) {
                request.continuationToken(token);
            }
            ListObjectsV2Request built = request.build();
            ListObjectsV2Response page = call("list " + kind.folder() + "/", () -> client.listObjectsV2(built));
            for (S3Object o : page.contents()) {
                handleOf(kind, o.key()).ifPresent(h -> objects.add(new ObjectInfo(h, o.size(), o.lastModified())));
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return objects;
    }

    @Override
    public void delete(Handle handle) {
        call("delete " + handle.path(),
                () -> client.deleteObject(DeleteObjectRequest.builder().bucket(config.bucket()).key(key(handle)).build()));
    }

    @Override
    public Optional<RequestCounts> requestCounts() {
        return Optional.of(counter.snapshot());
    }

    /**
     * Three packs at once (each in up to {@link S3StorageConfig#partConcurrency()} parts): a
     * request's round trip no longer stalls the backup, and the packs held in memory stay few.
     */
    @Override
    public int preferredConcurrentWrites() {
        return 3;
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "S3Storage[" + config.location() + "]";
    }

    /** The object key of a handle. */
    String key(Handle handle) {
        return config.prefix() + Objects.requireNonNull(handle, "handle").path();
    }

    /** The handle whose key is {@code key}, or empty when the key names no object of {@code kind}. */
    private Optional<Handle> handleOf(ObjectKind kind, String key) {
        if (!key.startsWith(config.prefix())) {
            return Optional.empty();
        }
        String relative = key.substring(config.prefix().length());
        String name = kind == ObjectKind.DATA
                ? relative.substring(relative.lastIndexOf('/') + 1)
                : relative.substring(kind.folder().length() + 1);
        try {
            Handle handle = Handle.of(kind, name);
            return handle.path().equals(relative) ? Optional.of(handle) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * A PUT of {@code content}: with {@code sha256} (lowercase hex) its payload is signed with
     * that hash, otherwise the SDK signs it (plain HTTP) or Content-MD5 guards it (HTTPS).
     */
    PutObjectRequest putRequest(String key, byte[] content, Handle handle, String ifNoneMatch, String sha256) {
        return putRequest(key, content, content.length, handle, ifNoneMatch, sha256);
    }

    /** As {@link #putRequest(String, byte[], Handle, String, String)} for {@code content[0, length)}. */
    PutObjectRequest putRequest(String key, byte[] content, int length, Handle handle, String ifNoneMatch, String sha256) {
        PutObjectRequest.Builder b = PutObjectRequest.builder().bucket(config.bucket()).key(key)
                .contentLength((long) length)
                .contentType("application/octet-stream");
        if (sha256 != null) {
            b.overrideConfiguration(o -> o.putHeader(ContentSha256Signer.CONTENT_SHA256, sha256));
        } else if (!config.payloadSigned()) {
            b.contentMD5(md5(content, 0, length));
        }
        if (ifNoneMatch != null) {
            b.ifNoneMatch(ifNoneMatch);
        }
        String storageClass = config.storageClassFor(isDataPack(handle));
        if (storageClass != null) {
            b.storageClass(storageClass);
        }
        switch (config.sse()) {
            case NONE -> {}
            case S3 -> b.serverSideEncryption(ServerSideEncryption.AES256);
            case KMS -> {
                b.serverSideEncryption(ServerSideEncryption.AWS_KMS);
                if (config.kmsKeyId() != null) {
                    b.ssekmsKeyId(config.kmsKeyId());
                }
            }
        }
        return b.build();
    }

    static boolean isDataPack(Handle handle) {
        return handle.kind() == ObjectKind.DATA;
    }

    /** Base64 MD5 for the Content-MD5 header. */
    static String md5(byte[] content, int offset, int length) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(content, offset, length);
            return Base64.getEncoder().encodeToString(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    private static boolean isMissing(SdkException e) {
        return S3Failure.hasStatus(e, 404) && !S3Failure.errorCode(e).equals("NoSuchBucket");
    }

    private <T> T call(String action, Supplier<T> request) {
        try {
            return request.get();
        } catch (SdkException e) {
            throw S3Failure.of(e, action, config);
        }
    }

    private LifeboatException notFound(Handle handle) {
        return LifeboatException.notFound(handle.path() + " in " + config.location(), NOT_FOUND_HINT);
    }

    private LifeboatException beyondEnd(Handle handle, long offset, int length, long size) {
        return new LifeboatException(ErrorCode.DAMAGED_DATA, handle.path() + " in " + config.location() + ": range "
                + offset + "+" + length + " is beyond the end of the object" + (size >= 0 ? " (" + size + " bytes)" : ""),
                "the object is truncated or its index entry is wrong; run 'lifeboat check --read-data'");
    }
}
