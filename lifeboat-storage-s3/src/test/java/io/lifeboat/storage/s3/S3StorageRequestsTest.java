package io.lifeboat.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectKind;
import java.net.URI;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** The requests S3Storage builds (no server involved: building a client opens no connection). */
class S3StorageRequestsTest {
    private static S3Storage storage(S3StorageConfig.Sse sse, String kmsKey, String storageClass) {
        return new S3Storage(S3StorageConfig.of("bucket", "repo", new S3Credentials.Keys("AKID", "secret"))
                .withEndpoint(URI.create("http://127.0.0.1:9"), true).withEncryption(sse, kmsKey, storageClass));
    }

    @Test
    void packsGetTheStorageClassAndMetadataStaysStandard() {
        try (S3Storage s = storage(S3StorageConfig.Sse.NONE, null, "STANDARD_IA")) {
            Handle pack = Handle.of(ObjectKind.DATA, "ab".repeat(32));
            PutObjectRequest p = s.putRequest(s.key(pack), new byte[10], pack, null, null);
            assertThat(p.storageClassAsString()).isEqualTo("STANDARD_IA");
            assertThat(p.key()).isEqualTo("repo/data/ab/" + "ab".repeat(32));
            PutObjectRequest index = s.putRequest("k", new byte[10], Handle.of(ObjectKind.INDEX, "i"), null, null);
            assertThat(index.storageClassAsString()).isNull();
            assertThat(index.serverSideEncryption()).isNull();
        }
    }

    @Test
    void sseKmsSendsTheKeyIdOnEveryObject() {
        try (S3Storage s = storage(S3StorageConfig.Sse.KMS, "alias/lifeboat", null)) {
            PutObjectRequest p = s.putRequest("k", new byte[10], Handle.CONFIG, null, null);
            assertThat(p.serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
            assertThat(p.ssekmsKeyId()).isEqualTo("alias/lifeboat");
        }
        try (S3Storage s = storage(S3StorageConfig.Sse.S3, null, null)) {
            assertThat(s.putRequest("k", new byte[1], Handle.CONFIG, null, null).serverSideEncryption())
                    .isEqualTo(ServerSideEncryption.AES256);
        }
    }

    @Test
    void uploadsOverHttpsCarryContentMd5AndCreatesIfNoneMatch() throws Exception {
        byte[] content = "lifeboat".getBytes();
        try (S3Storage s = new S3Storage(S3StorageConfig.of("bucket", "repo", new S3Credentials.Keys("AKID", "secret"))
                .withEndpoint(URI.create("https://127.0.0.1:9"), true))) {
            PutObjectRequest create = s.putRequest("k", content, Handle.of(ObjectKind.LOCK, "l"), "*", null);
            assertThat(create.ifNoneMatch()).isEqualTo("*");
            assertThat(create.contentMD5()).isEqualTo(
                    Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(content)));
            assertThat(create.contentLength()).isEqualTo(content.length);
            assertThat(s.putRequest("k", content, Handle.CONFIG, null, null).ifNoneMatch()).isNull();
        }
    }

    @Test
    void uploadsOverPlainHttpRelyOnThePayloadSignatureInsteadOfMd5() {
        try (S3Storage s = storage(S3StorageConfig.Sse.NONE, null, null)) {
            assertThat(s.config().payloadSigned()).isTrue();
            assertThat(s.putRequest("k", new byte[10], Handle.CONFIG, null, null).contentMD5()).isNull();
        }
        assertThat(S3StorageConfig.of("bucket", "repo", new S3Credentials.Keys("AKID", "secret")).payloadSigned())
                .as("AWS itself is reached over HTTPS").isFalse();
    }

    @Test
    void contentAddressedUploadsCarryTheirNameAsPayloadHashAndNoMd5() {
        String name = "0f".repeat(32);
        for (String endpoint : new String[] {"http://127.0.0.1:9", "https://127.0.0.1:9"}) {
            try (S3Storage s = new S3Storage(S3StorageConfig.of("bucket", "repo", new S3Credentials.Keys("AKID", "secret"))
                    .withEndpoint(URI.create(endpoint), true))) {
                PutObjectRequest p = s.putRequest("k", new byte[10], Handle.of(ObjectKind.DATA, name), null, name);
                assertThat(p.contentMD5()).as(endpoint).isNull();
                assertThat(p.overrideConfiguration().orElseThrow().headers())
                        .containsEntry(ContentSha256Signer.CONTENT_SHA256, java.util.List.of(name));
            }
        }
    }
}
