package io.lifeboat.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * {@link ContentSha256Signer} signs exactly as the SDK's SigV4 signer does when the SDK hashes
 * the payload itself, without reading the payload; requests without a usable hash go to the
 * SDK's signer.
 */
class ContentSha256SignerTest {
    private static final byte[] BODY = "a pack's bytes, sealed".getBytes(StandardCharsets.UTF_8);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T06:30:15Z"), ZoneOffset.UTC);

    private static SdkHttpFullRequest.Builder put(String url) {
        return SdkHttpFullRequest.builder().method(SdkHttpMethod.PUT).uri(URI.create(url))
                .putHeader("Content-Type", "application/octet-stream")
                .putHeader("Content-Length", String.valueOf(BODY.length))
                .putHeader("If-None-Match", "*")
                .putHeader("x-amz-storage-class", "STANDARD_IA")
                .putHeader("amz-sdk-invocation-id", "6c1f0e4e-2f7c-4b0e-9d57-000000000001")
                .putHeader("User-Agent", "aws-sdk-java/2  lifeboat")
                .putHeader("Expect", "100-continue");
    }

    private static SignedRequest sign(HttpSigner<AwsCredentialsIdentity> signer, SdkHttpRequest request,
            AwsCredentialsIdentity identity, ContentStreamProvider payload, boolean payloadSigning) {
        return signer.sign(SignRequest.builder(identity).request(request).payload(payload)
                .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-central-1")
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(HttpSigner.SIGNING_CLOCK, CLOCK)
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, payloadSigning)
                .putProperty(AwsV4HttpSigner.CHUNK_ENCODING_ENABLED, false)
                .build());
    }

    @Test
    void signsAsTheSdkDoesWhenItHashesThePayloadItself() throws Exception {
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(BODY));
        AwsCredentialsIdentity keys = AwsCredentialsIdentity.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        AwsCredentialsIdentity session = AwsSessionCredentialsIdentity.create("AKIDEXAMPLE", "secret", "token//+=");
        for (String url : new String[] {"http://127.0.0.1:9000/bucket/repo/data/ab/" + hash,
                "https://s3.eu-central-1.amazonaws.com/bucket/repo/snapshots/" + hash, "http://example.com:80/b/k"}) {
            for (AwsCredentialsIdentity identity : new AwsCredentialsIdentity[] {keys, session}) {
                SdkHttpFullRequest request = put(url).build();
                SignedRequest expected = sign(AwsV4HttpSigner.create(), request, identity,
                        () -> new ByteArrayInputStream(BODY), true);
                int[] opened = {0};
                SignedRequest ours = sign(new ContentSha256Signer(),
                        request.toBuilder().putHeader(ContentSha256Signer.CONTENT_SHA256, hash).build(), identity,
                        () -> {
                            opened[0]++;
                            return new ByteArrayInputStream(BODY);
                        }, false);

                assertThat(ours.request().headers()).as(url).isEqualTo(expected.request().headers());
                assertThat(ours.request().firstMatchingHeader("Authorization").orElseThrow())
                        .contains("SignedHeaders=").contains("x-amz-content-sha256");
                assertThat(opened[0]).as("the payload is never read to sign it").isZero();
            }
        }
    }

    @Test
    void requestsWithoutAHexHashAreSignedByTheSdk() {
        AwsCredentialsIdentity keys = AwsCredentialsIdentity.create("AKIDEXAMPLE", "secret");
        SdkHttpFullRequest plain = put("http://127.0.0.1:9000/bucket/repo/config").build();
        SignedRequest sdk = sign(AwsV4HttpSigner.create(), plain, keys, () -> new ByteArrayInputStream(BODY), true);
        SignedRequest ours = sign(new ContentSha256Signer(), plain, keys, () -> new ByteArrayInputStream(BODY), true);
        assertThat(ours.request().headers()).isEqualTo(sdk.request().headers());
        assertThat(ours.request().firstMatchingHeader(ContentSha256Signer.CONTENT_SHA256).orElseThrow())
                .as("the SDK hashed the payload").isEqualTo(sdk.request().firstMatchingHeader("x-amz-content-sha256").orElseThrow());

        SdkHttpFullRequest notHex = put("http://127.0.0.1:9000/bucket/k")
                .putHeader(ContentSha256Signer.CONTENT_SHA256, "UNSIGNED-PAYLOAD").build();
        assertThat(sign(new ContentSha256Signer(), notHex, keys, () -> new ByteArrayInputStream(BODY), true)
                .request().firstMatchingHeader(ContentSha256Signer.CONTENT_SHA256)).as("replaced by the SDK's hash")
                .contains(sdk.request().firstMatchingHeader("x-amz-content-sha256").orElseThrow());
    }
}
