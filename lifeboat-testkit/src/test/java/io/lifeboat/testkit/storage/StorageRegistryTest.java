package io.lifeboat.testkit.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.core.storage.StorageFactory;
import io.lifeboat.core.storage.StorageRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class StorageRegistryTest {

    /** Accepts {@code <scheme>:…} and opens a fresh in-memory storage named after the location. */
    private record SchemeFactory(String scheme) implements StorageFactory {
        @Override
        public boolean accepts(String location) {
            return location.startsWith(scheme + ":");
        }

        @Override
        public Storage open(String location) {
            return new InMemoryStorage(location.substring(scheme.length() + 1), java.time.Clock.systemUTC());
        }
    }

    private final StorageRegistry registry =
            new StorageRegistry(List.of(new SchemeFactory("file"), new SchemeFactory("s3")));

    @Test
    void picksTheFactoryThatAcceptsTheLocation() {
        assertThat(registry.factoryFor("s3:bucket/prefix").scheme()).isEqualTo("s3");
        assertThat(registry.factoryFor("file:/srv/repo").scheme()).isEqualTo("file");
        try (Storage storage = registry.open("s3:bucket")) {
            assertThat(storage.location()).isEqualTo("memory:bucket");
        }
    }

    @Test
    void firstAcceptingFactoryWins() {
        StorageRegistry twice = new StorageRegistry(List.of(new SchemeFactory("s3"), new SchemeFactory("s3")));
        StorageFactory first = new StorageRegistry(List.of(new SchemeFactory("s3"))).factoryFor("s3:x");

        assertThat(twice.factoryFor("s3:x")).isEqualTo(first);
        assertThat(twice.schemes()).containsExactly("s3", "s3");
    }

    @Test
    void unknownSchemeIsAUsageErrorListingTheSupportedSchemes() {
        assertThatThrownBy(() -> registry.open("gs://bucket/repo"))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.hint()).contains("file:", "s3:", "local directory path");
                })
                .hasMessageContaining("unknown storage scheme 'gs:'")
                .hasMessageContaining("gs://bucket/repo");
    }

    @Test
    void locationWithoutSchemeThatNoFactoryAcceptsIsAUsageError() {
        StorageRegistry s3Only = new StorageRegistry(List.of(new SchemeFactory("s3")));

        assertThatThrownBy(() -> s3Only.open("/srv/repo"))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.hint()).isEqualTo("use one of: s3:");
                })
                .hasMessageContaining("no storage handles location /srv/repo");
    }

    @Test
    void blankLocationIsAUsageError() {
        assertThatThrownBy(() -> registry.open(" "))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
                .hasMessageContaining("no storage location");
    }

    @Test
    void errorsNeverShowCredentialsWrittenIntoTheLocation() {
        assertThatThrownBy(() -> registry.open("sftp://backup:hunter2@host/repo?key=abc"))
                .hasMessageContaining("sftp://***@host/repo?***")
                .hasMessageNotContaining("hunter2")
                .hasMessageNotContaining("abc");
    }

    @Test
    void redactionKeepsLocationsWithoutCredentials() {
        assertThat(StorageRegistry.redacted("/srv/repo")).isEqualTo("/srv/repo");
        assertThat(StorageRegistry.redacted("s3:https://host:9000/bucket")).isEqualTo("s3:https://host:9000/bucket");
        assertThat(StorageRegistry.redacted("s3:https://k:s@host/b")).isEqualTo("s3:https://***@host/b");
    }
}
