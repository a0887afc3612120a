package io.lifeboat.storage.s3;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.storage.StorageFactory;
import io.lifeboat.core.storage.StorageRegistry;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Opens {@link S3Storage} for {@code s3://BUCKET/PREFIX[?OPTION=VALUE&…]}. Each option can also
 * come from the environment; an option in the URL wins. The package documentation lists them.
 * Credentials come only from the environment or a credentials file, never from the URL: a
 * location with a user name, password or key in it is refused, and messages never repeat it.
 */
public final class S3StorageFactory implements StorageFactory {
    public static final String SCHEME = "s3";

    /** URL option → environment variables consulted when the URL lacks it, first one set wins. */
    static final Map<String, List<String>> OPTIONS = options();

    private final Map<String, String> env;

    /** @param env the process environment (passed in so that tests control it) */
    public S3StorageFactory(Map<String, String> env) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
    }

    private static Map<String, List<String>> options() {
        Map<String, List<String>> o = new LinkedHashMap<>();
        o.put("endpoint", List.of("LIFEBOAT_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"));
        o.put("path_style", List.of("LIFEBOAT_S3_PATH_STYLE"));
        o.put("region", List.of("AWS_REGION", "AWS_DEFAULT_REGION"));
        o.put("profile", List.of("AWS_PROFILE"));
        o.put("credentials_file", List.of("AWS_SHARED_CREDENTIALS_FILE"));
        o.put("sse", List.of("LIFEBOAT_S3_SSE"));
        o.put("sse_kms_key_id", List.of("LIFEBOAT_S3_SSE_KMS_KEY_ID"));
        o.put("storage_class", List.of("LIFEBOAT_S3_STORAGE_CLASS"));
        o.put("part_size", List.of("LIFEBOAT_S3_PART_SIZE"));
        o.put("multipart_threshold", List.of("LIFEBOAT_S3_MULTIPART_THRESHOLD"));
        o.put("parallel_parts", List.of("LIFEBOAT_S3_PARALLEL_PARTS"));
        o.put("create", List.of("LIFEBOAT_S3_CREATE"));
        o.put("timeout", List.of("LIFEBOAT_S3_TIMEOUT"));
        return Map.copyOf(o);
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public boolean accepts(String location) {
        return location.regionMatches(true, 0, SCHEME + ":", 0, SCHEME.length() + 1);
    }

    @Override
    public S3Storage open(String location) {
        return new S3Storage(configOf(location));
    }

    /** The configuration a location and the environment describe. */
    public S3StorageConfig configOf(String location) {
        String shown = StorageRegistry.redacted(location);
        if (!location.regionMatches(true, 0, SCHEME + "://", 0, SCHEME.length() + 3)) {
            throw usage("not an S3 location: " + shown, "write s3://BUCKET/PREFIX, e.g. s3://backups/lifeboat");
        }
        String rest = location.substring(SCHEME.length() + 3);
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        Map<String, String> query = q < 0 ? Map.of() : query(rest.substring(q + 1), shown);
        int slash = path.indexOf('/');
        String bucket = slash < 0 ? path : path.substring(0, slash);
        String prefix = slash < 0 ? "" : path.substring(slash + 1);
        if (bucket.contains("@") || bucket.contains(":")) {
            throw usage("credentials or a port do not belong in an S3 location: " + shown,
                    "write s3://BUCKET/PREFIX; give the server with endpoint=URL or LIFEBOAT_S3_ENDPOINT and the"
                            + " keys with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (never on the command line)");
        }
        if (bucket.isEmpty()) {
            throw usage("no bucket in S3 location " + shown, "write s3://BUCKET/PREFIX, e.g. s3://backups/lifeboat");
        }
        Options o = new Options(query);
        String endpointText = o.get("endpoint");
        URI endpoint = null;
        if (endpointText != null && !endpointText.isBlank()) {
            try {
                endpoint = URI.create(endpointText.trim());
            } catch (IllegalArgumentException e) {
                throw usage("invalid S3 endpoint '" + endpointText + "'", "give a URL such as https://minio.example.com:9000");
            }
        }
        boolean pathStyle = o.flag("path_style", endpoint != null);
        String region = o.getOr("region", S3StorageConfig.DEFAULT_REGION);
        S3StorageConfig.Sse sse = S3StorageConfig.Sse.parse(o.getOr("sse", ""));
        String kmsKey = blankToNull(o.get("sse_kms_key_id"));
        String storageClass = blankToNull(o.get("storage_class"));
        int partSize = Math.toIntExact(o.number("part_size", S3StorageConfig.DEFAULT_PART_SIZE >> 20, 5, 512) << 20);
        int threshold = Math.toIntExact(o.number("multipart_threshold",
                S3StorageConfig.DEFAULT_MULTIPART_THRESHOLD >> 20, 5, 512) << 20);
        int parallel = (int) o.number("parallel_parts", S3StorageConfig.DEFAULT_PART_CONCURRENCY, 1, 64);
        S3StorageConfig.CreateMode create = S3StorageConfig.CreateMode.parse(o.getOr("create", ""));
        Duration timeout = Duration.ofSeconds(o.number("timeout", S3StorageConfig.DEFAULT_SOCKET_TIMEOUT.toSeconds(), 1, 3600));
        return new S3StorageConfig(bucket, prefix, endpoint, pathStyle, region, credentials(query), sse, kmsKey,
                storageClass, partSize, threshold, parallel, create, timeout);
    }

    /**
     * A profile named in the URL wins; then keys in the environment, then {@code AWS_PROFILE},
     * then the SDK's default chain (instance and container roles): the AWS CLI's order.
     */
    private S3Credentials credentials(Map<String, String> query) {
        String file = blankToNull(query.getOrDefault("credentials_file", env.get("AWS_SHARED_CREDENTIALS_FILE")));
        Path credentialsFile = file == null ? null : Path.of(file);
        if (blankToNull(query.get("profile")) != null) {
            return new S3Credentials.Profile(query.get("profile"), credentialsFile);
        }
        String id = blankToNull(env.get("AWS_ACCESS_KEY_ID"));
        String secret = blankToNull(env.get("AWS_SECRET_ACCESS_KEY"));
        if (id != null || secret != null) {
            if (id == null || secret == null) {
                throw usage("only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set",
                        "set both, or neither and use a profile (AWS_PROFILE)");
            }
            return new S3Credentials.Keys(id, secret, blankToNull(env.get("AWS_SESSION_TOKEN")));
        }
        if (blankToNull(env.get("AWS_PROFILE")) != null || credentialsFile != null) {
            return new S3Credentials.Profile(env.getOrDefault("AWS_PROFILE", "default"), credentialsFile);
        }
        return new S3Credentials.DefaultChain();
    }

    private static Map<String, String> query(String text, String shown) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8)
                    .toLowerCase(Locale.ROOT).replace('-', '_');
            String value = eq < 0 ? "true" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!OPTIONS.containsKey(name)) {
                boolean secretLike = name.contains("secret") || name.contains("password") || name.contains("token")
                        || name.contains("access") || name.equals("key");
                throw usage((secretLike ? "credentials do not belong in an S3 location: " : "unknown S3 option '" + name
                                + "' in ") + shown,
                        secretLike ? "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) in the environment"
                                : "known options: " + String.join(", ", OPTIONS.keySet().stream().sorted().toList()));
            }
            out.put(name, value);
        }
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    static LifeboatException usage(String message, String hint) {
        return new LifeboatException(ErrorCode.USAGE, message, hint);
    }

    /** The options of one location: the URL's, else the environment's. */
    private final class Options {
        private final Map<String, String> query;

        Options(Map<String, String> query) {
            this.query = query;
        }

        String get(String name) {
            String v = query.get(name);
            if (v != null) {
                return v;
            }
            for (String variable : OPTIONS.get(name)) {
                String e = env.get(variable);
                if (e != null && !e.isBlank()) {
                    return e;
                }
            }
            return null;
        }

        String getOr(String name, String fallback) {
            String v = get(name);
            return v == null || v.isBlank() ? fallback : v.trim();
        }

        boolean flag(String name, boolean fallback) {
            String v = get(name);
            if (v == null || v.isBlank()) {
                return fallback;
            }
            return switch (v.trim().toLowerCase(Locale.ROOT)) {
                case "1", "true", "yes", "on" -> true;
                case "0", "false", "no", "off" -> false;
                default -> throw usage("option " + name + " must be true or false, got '" + v + "'",
                        "write " + name + "=true or " + name + "=false");
            };
        }

        long number(String name, long fallback, long min, long max) {
            String v = get(name);
            if (v == null || v.isBlank()) {
                return fallback;
            }
            try {
                long n = Long.parseLong(v.trim());
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw usage("option " + name + " must be a whole number from " + min + " to " + max + ", got '" + v + "'",
                    "e.g. " + name + "=" + fallback);
        }
    }
}
