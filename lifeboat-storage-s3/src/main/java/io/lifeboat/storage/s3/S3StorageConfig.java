package io.lifeboat.storage.s3;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where an {@link S3Storage} keeps its objects and how it talks to the server. Built by
 * {@link S3StorageFactory} from the location URL and the environment; see the package
 * documentation for the option names.
 *
 * @param bucket the bucket; it must exist (Lifeboat never creates buckets: their region, policy,
 *     versioning and lifecycle rules are the owner's choice)
 * @param prefix the key prefix of the repository, empty or ending with {@code /}
 * @param endpoint the server for S3-compatible stores (MinIO, Ceph, R2, B2, S3Proxy), or
 *     {@code null} for AWS itself
 * @param pathStyle {@code http://host/bucket/key} instead of {@code http://bucket.host/key};
 *     most self-hosted servers need it
 * @param region the signing region ({@code us-east-1} when nothing says otherwise)
 * @param credentials where the access key comes from
 * @param sse server-side encryption of every object written
 * @param kmsKeyId the KMS key for {@link Sse#KMS}, or {@code null} for the bucket's default key
 * @param storageClass storage class of data packs ({@code null}: the bucket's default); small
 *     metadata objects always use STANDARD, see {@link #storageClassFor}
 * @param partSize size of the parts of a multipart upload
 * @param multipartThreshold objects larger than this go up as a multipart upload, smaller ones in
 *     one PUT
 * @param partConcurrency parts of one object uploaded at the same time
 * @param create how {@code create} is made exclusive
 * @param socketTimeout how long a request may wait for the next byte before it fails (retryably)
 */
public record S3StorageConfig(String bucket, String prefix, URI endpoint, boolean pathStyle, String region,
        S3Credentials credentials, Sse sse, String kmsKeyId, String storageClass, int partSize, int multipartThreshold,
        int partConcurrency, CreateMode create, Duration socketTimeout) {

    /**
     * 8 MiB: a pack (16 MiB by default, up to a chunk more) goes up as 2-3 parts in parallel, which
     * keeps a long-distance link busy where one stream would not; the AWS CLI uses the same size,
     * R2 requires equal parts (all but the last), and every server accepts it (the minimum is 5
     * MiB). Smaller parts cost more requests for nothing; larger ones lose the parallelism.
     */
    public static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;
    static final int MIN_PART_SIZE = 5 * 1024 * 1024;
    static final int MAX_PART_SIZE = 512 * 1024 * 1024;
    /**
     * 32 MiB: a pack (16 MiB by default, up to a chunk more) goes up in one PUT. A multipart upload
     * of the same bytes costs the client two more requests and a signature per part, and the
     * server a second copy of the bytes when it assembles the parts (S3Proxy, for one, stores
     * parts apart and joins them on completion): one PUT instead of five per pack. Parallel parts only pay off for larger
     * objects on long-distance links, so larger packs (a pack size above 32 MiB) still go in parts.
     */
    public static final int DEFAULT_MULTIPART_THRESHOLD = 32 * 1024 * 1024;
    public static final int DEFAULT_PART_CONCURRENCY = 4;
    public static final String DEFAULT_REGION = "us-east-1";
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(60);

    /** Storage classes whose objects cannot be read at once: a repository must always be readable. */
    private static final Set<String> ARCHIVE_CLASSES = Set.of("GLACIER", "DEEP_ARCHIVE");
    /** AWS bucket naming plus upper case and underscores, which old buckets and some servers allow. */
    private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

    /** Server-side encryption (by the server, on top of Lifeboat's own encryption). */
    public enum Sse {
        NONE,
        /** SSE-S3: keys managed by the store ({@code AES256}). */
        S3,
        /** SSE-KMS: keys in AWS KMS ({@code aws:kms}). */
        KMS;

        static Sse parse(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "", "none", "off" -> NONE;
                case "aes256", "s3", "sse-s3" -> S3;
                case "aws:kms", "kms", "sse-kms" -> KMS;
                default -> throw S3StorageFactory.usage("unknown server-side encryption '" + value + "'",
                        "use sse=none, sse=AES256 (SSE-S3) or sse=aws:kms (SSE-KMS, with sse_kms_key_id=KEY)");
            };
        }
    }

    /** How {@code create} (write only when absent: locks, keys, config) is made exclusive. */
    public enum CreateMode {
        /**
         * {@code PUT} with {@code If-None-Match: *}: the server refuses (412) when the key exists.
         * Atomic on AWS S3, MinIO, Ceph RGW, R2 and S3Proxy.
         */
        CONDITIONAL,
        /**
         * {@code HEAD}, then {@code PUT} when absent: for servers that reject the header. Not
         * atomic: two clients creating the same object in the same instant can both succeed.
         * Lifeboat's lock objects carry random names, so this only weakens the guard against two
         * {@code init}s of one repository at the same moment.
         */
        CHECK_THEN_PUT;

        static CreateMode parse(String value) {
            return switch (value.toLowerCase(Locale.ROOT).replace('_', '-')) {
                case "", "conditional", "if-none-match" -> CONDITIONAL;
                case "check-then-put", "head-then-put" -> CHECK_THEN_PUT;
                default -> throw S3StorageFactory.usage("unknown create mode '" + value + "'",
                        "use create=conditional (If-None-Match, the default) or create=check-then-put");
            };
        }
    }

    public S3StorageConfig {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(sse, "sse");
        Objects.requireNonNull(create, "create");
        Objects.requireNonNull(socketTimeout, "socketTimeout");
        if (!BUCKET.matcher(bucket).matches()) {
            throw S3StorageFactory.usage("invalid bucket name '" + bucket + "'",
                    "write the location as s3://BUCKET/PREFIX, e.g. s3://backups/lifeboat");
        }
        prefix = normalizedPrefix(prefix);
        if (endpoint != null) {
            if (endpoint.getUserInfo() != null) {
                throw S3StorageFactory.usage("the S3 endpoint must not contain credentials",
                        "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or a profile) instead");
            }
            String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || endpoint.getHost() == null) {
                throw S3StorageFactory.usage("invalid S3 endpoint '" + endpoint + "'",
                        "give a URL such as https://minio.example.com:9000 or http://127.0.0.1:9000");
            }
        }
        if (region.isBlank()) {
            throw S3StorageFactory.usage("empty S3 region", "set region=… or AWS_REGION, e.g. us-east-1");
        }
        if (kmsKeyId != null && sse != Sse.KMS) {
            throw S3StorageFactory.usage("a KMS key id was given without sse=aws:kms",
                    "add sse=aws:kms (LIFEBOAT_S3_SSE=aws:kms), or drop the key id");
        }
        if (storageClass != null) {
            storageClass = storageClass.toUpperCase(Locale.ROOT);
            if (ARCHIVE_CLASSES.contains(storageClass)) {
                throw S3StorageFactory.usage("storage class " + storageClass + " cannot hold a repository: its objects"
                                + " must be restored before they can be read, and every backup reads the index",
                        "use STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING or GLACIER_IR");
            }
            if (storageClass.isBlank()) {
                storageClass = null;
            }
        }
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw S3StorageFactory.usage("part size " + partSize + " is out of range",
                    "choose a part size between 5 and 512 MiB (part_size=8 is the default)");
        }
        if (multipartThreshold < MIN_PART_SIZE || multipartThreshold > MAX_PART_SIZE) {
            throw S3StorageFactory.usage("multipart threshold " + multipartThreshold + " is out of range",
                    "choose a threshold between 5 and 512 MiB (multipart_threshold=32 is the default)");
        }
        if (partConcurrency < 1 || partConcurrency > 64) {
            throw S3StorageFactory.usage("part concurrency " + partConcurrency + " is out of range",
                    "choose between 1 and 64 parallel parts");
        }
        if (socketTimeout.isNegative() || socketTimeout.isZero()) {
            throw S3StorageFactory.usage("the S3 timeout must be positive", "e.g. timeout=60 (seconds)");
        }
    }

    /** A configuration with the defaults for everything but the place. */
    public static S3StorageConfig of(String bucket, String prefix, S3Credentials credentials) {
        return new S3StorageConfig(bucket, prefix, null, false, DEFAULT_REGION, credentials, Sse.NONE, null, null,
                DEFAULT_PART_SIZE, DEFAULT_MULTIPART_THRESHOLD, DEFAULT_PART_CONCURRENCY, CreateMode.CONDITIONAL,
                DEFAULT_SOCKET_TIMEOUT);
    }

    public S3StorageConfig withEndpoint(URI server, boolean path) {
        return new S3StorageConfig(bucket, prefix, server, path, region, credentials, sse, kmsKeyId, storageClass,
                partSize, multipartThreshold, partConcurrency, create, socketTimeout);
    }

    /** Parts of {@code size}, for every object larger than {@code size}. */
    public S3StorageConfig withPartSize(int size) {
        return new S3StorageConfig(bucket, prefix, endpoint, pathStyle, region, credentials, sse, kmsKeyId,
                storageClass, size, size, partConcurrency, create, socketTimeout);
    }

    public S3StorageConfig withCreate(CreateMode mode) {
        return new S3StorageConfig(bucket, prefix, endpoint, pathStyle, region, credentials, sse, kmsKeyId,
                storageClass, partSize, multipartThreshold, partConcurrency, mode, socketTimeout);
    }

    public S3StorageConfig withSocketTimeout(Duration timeout) {
        return new S3StorageConfig(bucket, prefix, endpoint, pathStyle, region, credentials, sse, kmsKeyId,
                storageClass, partSize, multipartThreshold, partConcurrency, create, timeout);
    }

    public S3StorageConfig withEncryption(Sse encryption, String kmsKey, String storage) {
        return new S3StorageConfig(bucket, prefix, endpoint, pathStyle, region, credentials, encryption, kmsKey,
                storage, partSize, multipartThreshold, partConcurrency, create, socketTimeout);
    }

    /**
     * Whether the SDK signs every upload's payload: over plain HTTP it sends the body with a
     * SigV4 signature per chunk (the SHA-256 of the bytes, keyed), which the server checks before
     * it stores anything, so a byte changed in transit is refused. Over HTTPS the payload is not
     * signed (TLS guards the link) and {@code Content-MD5} is what the server checks.
     */
    boolean payloadSigned() {
        return endpoint != null && "http".equalsIgnoreCase(endpoint.getScheme());
    }

    /** The location as users write it, without options or credentials: {@code s3://bucket/prefix}. */
    public String location() {
        String where = "s3://" + bucket + "/" + (prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        return endpoint == null ? where : where + " at " + endpoint;
    }

    /**
     * The storage class of an object: the configured one for data packs, STANDARD (the server's
     * default, so {@code null}) for everything else. Config, keys, index files, snapshots and locks
     * are small and read on every run, and locks live for minutes: infrequent-access classes bill
     * at least 128 KiB and 30 days per object, which would make them cost more, not less.
     */
    String storageClassFor(boolean dataPack) {
        return dataPack ? storageClass : null;
    }

    private static String normalizedPrefix(String prefix) {
        String p = prefix;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.contains("//") || p.equals(".") || p.startsWith("./") || p.contains("/./") || p.contains("..")) {
            throw S3StorageFactory.usage("invalid key prefix '" + prefix + "'",
                    "write the prefix as plain folder names, e.g. s3://backups/hosts/db1");
        }
        return p.isEmpty() ? "" : p + "/";
    }
}
