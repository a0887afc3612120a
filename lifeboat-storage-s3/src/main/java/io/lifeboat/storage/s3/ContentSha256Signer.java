package io.lifeboat.storage.s3;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthScheme;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;
import software.amazon.awssdk.utils.BinaryUtils;

/**
 * SigV4 for uploads whose payload SHA-256 is already known: a request that carries
 * {@code x-amz-content-sha256} as 64 hex digits is signed with that hash, in one request
 * without {@code aws-chunked} encoding, and its body is never read here. Lifeboat names packs,
 * index files and snapshots by the SHA-256 of their bytes ({@link S3Storage#putContentAddressed}),
 * so the SDK's own signer would hash every uploaded byte again only to find the name: over
 * plain HTTP it always signs the payload, in 128 KiB chunks with a signature each.
 *
 * <p>The server still checks the bytes: it computes their SHA-256 and refuses the upload when
 * it differs from the signed header, so a byte changed on the way, or a pack whose bytes do
 * not match its name, is never stored. Every other request goes to the SDK's signer unchanged.
 *
 * <p>The canonical request is the SDK's: every header but {@code connection},
 * {@code x-amzn-trace-id}, {@code user-agent} and {@code expect} is signed, the path is taken
 * as encoded, without double encoding or normalisation (S3's rules). {@code
 * ContentSha256SignerTest} checks the result against the SDK's signer on the same request.
 */
final class ContentSha256Signer implements HttpSigner<AwsCredentialsIdentity> {
    static final String CONTENT_SHA256 = "x-amz-content-sha256";
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Set<String> UNSIGNED = Set.of("connection", "x-amzn-trace-id", "user-agent", "expect");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";

    private final HttpSigner<AwsCredentialsIdentity> sdk = AwsV4HttpSigner.create();

    /** The SDK's SigV4 scheme with this signer in place of the SDK's. */
    static AuthScheme<AwsCredentialsIdentity> authScheme() {
        AwsV4AuthScheme sdkScheme = AwsV4AuthScheme.create();
        ContentSha256Signer signer = new ContentSha256Signer();
        return new AuthScheme<>() {
            @Override
            public String schemeId() {
                return sdkScheme.schemeId();
            }

            @Override
            public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
                return sdkScheme.identityProvider(providers);
            }

            @Override
            public HttpSigner<AwsCredentialsIdentity> signer() {
                return signer;
            }
        };
    }

    @Override
    public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
        SdkHttpRequest http = request.request();
        String hash = http.firstMatchingHeader(CONTENT_SHA256).orElse(null);
        if (hash == null || !HEX_SHA256.matcher(hash).matches() || !http.rawQueryParameters().isEmpty()) {
            return sdk.sign(request);
        }
        Clock clock = request.hasProperty(SIGNING_CLOCK) ? request.property(SIGNING_CLOCK) : Clock.systemUTC();
        String region = request.requireProperty(AwsV4HttpSigner.REGION_NAME);
        String service = request.requireProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME);
        AwsCredentialsIdentity credentials = request.identity();
        String time = TIME.format(clock.instant());
        String date = time.substring(0, 8);
        String scope = date + "/" + region + "/" + service + "/aws4_request";

        SdkHttpRequest.Builder signed = http.toBuilder();
        if (http.firstMatchingHeader("Host").isEmpty()) {
            signed.putHeader("Host", hostHeader(http));
        }
        signed.putHeader("X-Amz-Date", time);
        if (credentials instanceof AwsSessionCredentialsIdentity session) {
            signed.putHeader("X-Amz-Security-Token", session.sessionToken());
        }
        Map<String, String> canonical = new TreeMap<>();
        signed.forEachHeader((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!UNSIGNED.contains(lower)) {
                canonical.merge(lower, canonicalValues(values), (a, b) -> a + "," + b);
            }
        });
        String signedHeaders = String.join(";", canonical.keySet());
        StringBuilder canonicalRequest = new StringBuilder(512)
                .append(http.method().name()).append('\n')
                .append(http.encodedPath().isEmpty() ? "/" : http.encodedPath()).append('\n')
                .append('\n');
        canonical.forEach((name, value) -> canonicalRequest.append(name).append(':').append(value).append('\n'));
        canonicalRequest.append('\n').append(signedHeaders).append('\n').append(hash);

        String stringToSign = ALGORITHM + "\n" + time + "\n" + scope + "\n"
                + BinaryUtils.toHex(sha256(canonicalRequest.toString()));
        byte[] key = hmac(("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String signature = BinaryUtils.toHex(hmac(key, stringToSign));
        signed.putHeader("Authorization", ALGORITHM + " Credential=" + credentials.accessKeyId() + "/" + scope
                + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature);
        return SignedRequest.builder().request(signed.build()).payload(request.payload().orElse(null)).build();
    }

    @Override
    public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
        return sdk.signAsync(request);
    }

    /** The Host header as the SDK writes it: the port only when it is not the scheme's default. */
    private static String hostHeader(SdkHttpRequest http) {
        int port = http.port();
        boolean standard = port == -1 || ("https".equals(http.protocol()) && port == 443)
                || ("http".equals(http.protocol()) && port == 80);
        return standard ? http.host() : http.host() + ":" + port;
    }

    /** Values trimmed, inner runs of spaces collapsed to one, joined by commas. */
    private static String canonicalValues(List<String> values) {
        StringBuilder b = new StringBuilder();
        for (String v : values) {
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(v.strip().replaceAll(" +", " "));
        }
        return b.toString();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
