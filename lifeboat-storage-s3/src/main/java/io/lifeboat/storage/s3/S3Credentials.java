package io.lifeboat.storage.s3;

import java.nio.file.Path;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * Where the access key of an {@link S3Storage} comes from. Never from the location URL or the
 * command line (other users of the machine can read both); {@code toString()} never shows a
 * secret.
 */
public sealed interface S3Credentials {

    /** The SDK provider that yields the keys. */
    AwsCredentialsProvider provider();

    /** How messages describe the source of the keys, without any key. */
    String describe();

    /**
     * Keys given directly: from {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and
     * optionally {@code AWS_SESSION_TOKEN}, or by a test.
     */
    record Keys(String accessKeyId, String secretAccessKey, String sessionToken) implements S3Credentials {
        public Keys {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(secretAccessKey, "secretAccessKey");
            if (accessKeyId.isBlank() || secretAccessKey.isBlank()) {
                throw S3StorageFactory.usage("empty S3 access key id or secret access key",
                        "set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use a profile (AWS_PROFILE)");
            }
        }

        public Keys(String accessKeyId, String secretAccessKey) {
            this(accessKeyId, secretAccessKey, null);
        }

        @Override
        public AwsCredentialsProvider provider() {
            return StaticCredentialsProvider.create(sessionToken == null || sessionToken.isBlank()
                    ? AwsBasicCredentials.create(accessKeyId, secretAccessKey)
                    : AwsSessionCredentials.create(accessKeyId, secretAccessKey, sessionToken));
        }

        @Override
        public String describe() {
            return "the access key from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY";
        }

        @Override
        public String toString() {
            return "Keys[***]";
        }
    }

    /**
     * A named profile of an AWS credentials file ({@code ~/.aws/credentials} unless {@code file}
     * is given, e.g. from {@code AWS_SHARED_CREDENTIALS_FILE}).
     */
    record Profile(String name, Path file) implements S3Credentials {
        public Profile {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw S3StorageFactory.usage("empty AWS profile name", "set AWS_PROFILE or profile=NAME");
            }
        }

        @Override
        public AwsCredentialsProvider provider() {
            ProfileCredentialsProvider.Builder b = ProfileCredentialsProvider.builder().profileName(name);
            if (file != null) {
                b.profileFile(ProfileFile.builder().content(file).type(ProfileFile.Type.CREDENTIALS).build());
            }
            return b.build();
        }

        @Override
        public String describe() {
            return "profile '" + name + "'" + (file == null ? "" : " of " + file);
        }
    }

    /**
     * The SDK's default chain: environment, system properties, the default profile, web identity,
     * container and instance roles. For servers with an IAM role.
     */
    record DefaultChain() implements S3Credentials {
        @Override
        public AwsCredentialsProvider provider() {
            return DefaultCredentialsProvider.builder().build();
        }

        @Override
        public String describe() {
            return "the AWS default credential chain (no AWS_ACCESS_KEY_ID or AWS_PROFILE was set)";
        }
    }
}
