package io.lifeboat.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3StorageFactoryTest {
    private static final Map<String, String> KEYS = Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI-secret");

    private static S3StorageConfig config(String location, Map<String, String> env) {
        return new S3StorageFactory(env).configOf(location);
    }

    @Test
    void acceptsOnlyS3Locations() {
        S3StorageFactory f = new S3StorageFactory(Map.of());
        assertThat(f.accepts("s3://bucket/prefix")).isTrue();
        assertThat(f.accepts("S3://bucket")).isTrue();
        assertThat(f.accepts("/srv/backup")).isFalse();
        assertThat(f.accepts("file:/srv/backup")).isFalse();
        assertThat(f.accepts("s3proxy/dir")).isFalse();
    }

    @Test
    void bucketAndPrefixComeFromThePath() {
        S3StorageConfig c = config("s3://backups/hosts/db1/", KEYS);
        assertThat(c.bucket()).isEqualTo("backups");
        assertThat(c.prefix()).isEqualTo("hosts/db1/");
        assertThat(config("s3://backups", KEYS).prefix()).isEmpty();
        assertThat(c.location()).isEqualTo("s3://backups/hosts/db1");
    }

    @Test
    void defaultsSuitAwsItself() {
        S3StorageConfig c = config("s3://b/p", KEYS);
        assertThat(c.endpoint()).isNull();
        assertThat(c.pathStyle()).isFalse();
        assertThat(c.region()).isEqualTo("us-east-1");
        assertThat(c.sse()).isEqualTo(S3StorageConfig.Sse.NONE);
        assertThat(c.storageClass()).isNull();
        assertThat(c.partSize()).isEqualTo(8 << 20);
        assertThat(c.multipartThreshold()).as("a default pack goes up in one PUT").isEqualTo(32 << 20);
        assertThat(c.create()).isEqualTo(S3StorageConfig.CreateMode.CONDITIONAL);
        assertThat(c.credentials()).isEqualTo(new S3Credentials.Keys("AKIDEXAMPLE", "wJalrXUtnFEMI-secret", null));
    }

    @Test
    void environmentSetsOptionsAndTheUrlOverridesIt() {
        Map<String, String> env = new java.util.HashMap<>(KEYS);
        env.put("LIFEBOAT_S3_ENDPOINT", "http://127.0.0.1:9000");
        env.put("AWS_REGION", "eu-central-1");
        env.put("LIFEBOAT_S3_SSE", "aws:kms");
        env.put("LIFEBOAT_S3_SSE_KMS_KEY_ID", "alias/backup");
        env.put("LIFEBOAT_S3_STORAGE_CLASS", "standard_ia");
        env.put("LIFEBOAT_S3_PART_SIZE", "16");
        env.put("LIFEBOAT_S3_MULTIPART_THRESHOLD", "64");
        env.put("LIFEBOAT_S3_TIMEOUT", "5");

        S3StorageConfig fromEnv = config("s3://b/p", env);
        assertThat(fromEnv.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
        assertThat(fromEnv.pathStyle()).as("path style is the default with an endpoint").isTrue();
        assertThat(fromEnv.region()).isEqualTo("eu-central-1");
        assertThat(fromEnv.sse()).isEqualTo(S3StorageConfig.Sse.KMS);
        assertThat(fromEnv.kmsKeyId()).isEqualTo("alias/backup");
        assertThat(fromEnv.storageClass()).isEqualTo("STANDARD_IA");
        assertThat(fromEnv.partSize()).isEqualTo(16 << 20);
        assertThat(fromEnv.multipartThreshold()).isEqualTo(64 << 20);
        assertThat(fromEnv.socketTimeout()).isEqualTo(Duration.ofSeconds(5));

        S3StorageConfig overridden = config("s3://b/p?region=us-west-2&path_style=false&sse=AES256&sse_kms_key_id=",
                env);
        assertThat(overridden.region()).isEqualTo("us-west-2");
        assertThat(overridden.pathStyle()).isFalse();
        assertThat(overridden.sse()).isEqualTo(S3StorageConfig.Sse.S3);
        assertThat(overridden.kmsKeyId()).isNull();
    }

    @Test
    void storageClassAppliesToDataPacksOnly() {
        S3StorageConfig c = config("s3://b/p?storage_class=GLACIER_IR", KEYS);
        assertThat(c.storageClassFor(true)).isEqualTo("GLACIER_IR");
        assertThat(c.storageClassFor(false)).isNull();
    }

    @Test
    void archiveStorageClassesAreRefused() {
        assertUsage(() -> config("s3://b/p?storage_class=DEEP_ARCHIVE", KEYS), "cannot hold a repository");
    }

    @Test
    void credentialsComeFromProfileKeysOrTheDefaultChainInTheAwsCliOrder() {
        assertThat(config("s3://b/p", Map.of())).extracting(S3StorageConfig::credentials)
                .isInstanceOf(S3Credentials.DefaultChain.class);
        assertThat(config("s3://b/p", Map.of("AWS_PROFILE", "backup")).credentials())
                .isEqualTo(new S3Credentials.Profile("backup", null));
        Map<String, String> both = new java.util.HashMap<>(KEYS);
        both.put("AWS_PROFILE", "backup");
        both.put("AWS_SHARED_CREDENTIALS_FILE", "/etc/lifeboat/aws");
        assertThat(config("s3://b/p", both).credentials()).isInstanceOf(S3Credentials.Keys.class);
        assertThat(config("s3://b/p?profile=other", both).credentials())
                .isEqualTo(new S3Credentials.Profile("other", Path.of("/etc/lifeboat/aws")));
        assertUsage(() -> config("s3://b/p", Map.of("AWS_ACCESS_KEY_ID", "AKID")), "only one of");
    }

    @Test
    void credentialsInTheLocationAreRefusedWithoutRepeatingThem() {
        for (String location : new String[] {"s3://AKID:topsecret@bucket/p", "s3://bucket/p?secret_key=topsecret",
                "s3://bucket/p?access_key=AKID&secret=topsecret"}) {
            assertThatThrownBy(() -> config(location, Map.of()))
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                        assertThat(e.getMessage() + e.hint()).doesNotContain("topsecret");
                        assertThat(e.hint()).contains("AWS_SECRET_ACCESS_KEY");
                    });
        }
    }

    @Test
    void keysNeverAppearInToString() {
        assertThat(config("s3://b/p", KEYS).toString()).doesNotContain("wJalrXUtnFEMI-secret");
    }

    @Test
    void malformedOptionsAreUsageErrors() {
        assertUsage(() -> config("s3://b/p?colour=blue", KEYS), "unknown S3 option 'colour'");
        assertUsage(() -> config("s3://b/p?part_size=2", KEYS), "part_size");
        assertUsage(() -> config("s3://b/p?multipart_threshold=1024", KEYS), "multipart_threshold");
        assertUsage(() -> config("s3://b/p?path_style=maybe", KEYS), "true or false");
        assertUsage(() -> config("s3://b/p?sse=rot13", KEYS), "server-side encryption");
        assertUsage(() -> config("s3://b/p?sse_kms_key_id=k", KEYS), "without sse=aws:kms");
        assertUsage(() -> config("s3://b/p?endpoint=ftp://host", KEYS), "invalid S3 endpoint");
        assertUsage(() -> config("s3:///p", KEYS), "no bucket");
        assertUsage(() -> config("s3://b/../x", KEYS), "invalid key prefix");
        assertUsage(() -> config("s3:bucket", KEYS), "not an S3 location");
    }

    private static void assertUsage(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(LifeboatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE)).hasMessageContaining(message);
    }
}
