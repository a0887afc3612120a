package io.lifeboat.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.core.storage.Storage;
import io.lifeboat.core.storage.StorageRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStorageFactoryTest {
    private final LocalStorageFactory factory = new LocalStorageFactory();

    @TempDir
    Path temp;

    @Test
    void acceptsPlainPathsAndFileUrls() {
        assertThat(List.of("/srv/backup", "relative/repo", "./repo", "repo", "file:/srv/backup",
                "file:///srv/backup", "FILE:/srv/backup", "C:\\backup", "c:/backup", "/srv/a:b"))
                .allSatisfy(location -> assertThat(factory.accepts(location)).as(location).isTrue());
    }

    @Test
    void leavesOtherSchemesToOtherFactories() {
        assertThat(List.of("s3:bucket/prefix", "s3://host/bucket", "gs://bucket", "sftp://host/repo", "rest:http://x"))
                .allSatisfy(location -> assertThat(factory.accepts(location)).as(location).isFalse());
    }

    @Test
    void readsThePathOutOfTheLocation() {
        assertThat(LocalStorageFactory.pathOf("/srv/backup")).isEqualTo(Path.of("/srv/backup"));
        assertThat(LocalStorageFactory.pathOf("file:/srv/backup")).isEqualTo(Path.of("/srv/backup"));
        assertThat(LocalStorageFactory.pathOf("file:///srv/my%20backup")).isEqualTo(Path.of("/srv/my backup"));
        assertThat(LocalStorageFactory.pathOf("file:relative")).isEqualTo(Path.of("relative"));
    }

    @Test
    void malformedFileUrlsAreUsageErrors() {
        for (String location : List.of("file:", "file://otherhost/srv/backup", "file:// bad")) {
            assertThatThrownBy(() -> LocalStorageFactory.pathOf(location))
                    .as(location)
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                        assertThat(e.hint()).contains("file:///");
                    });
        }
    }

    @Test
    void opensLocalStorageAtTheAbsolutePath() {
        try (Storage storage = factory.open("file://" + temp.resolve("repo").toUri().getPath())) {
            assertThat(storage).isInstanceOf(LocalStorage.class);
            assertThat(storage.location()).isEqualTo(temp.resolve("repo").toString());
            assertThat(((LocalStorage) storage).config().fsync()).isTrue();
        }
        assertThat(new LocalStorageFactory(false).open(temp.toString()).config().fsync()).isFalse();
    }

    @Test
    void registryPicksLocalStorageForPathsAndNamesFileInItsHint() {
        StorageRegistry registry = new StorageRegistry(List.of(factory));

        assertThat(registry.open(temp.toString())).isInstanceOf(LocalStorage.class);
        assertThatThrownBy(() -> registry.open("gs://bucket"))
                .isInstanceOfSatisfying(LifeboatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.hint()).contains("file:", "local directory path");
                });
    }

    @Test
    void configMakesTheRootAbsoluteAndSyncsByDefault() {
        LocalStorageConfig config = LocalStorageConfig.of(Path.of("some/repo"));

        assertThat(config.root()).isAbsolute().endsWithRaw(Path.of("some/repo"));
        assertThat(config.fsync()).isTrue();
        assertThat(LocalStorageConfig.of(Path.of("/srv/x/../y")).root()).isEqualTo(Path.of("/srv/y"));
    }

    @Test
    void configRefusesTheFileSystemRootAndEmptyPaths() {
        assertThatThrownBy(() -> LocalStorageConfig.of(Path.of("/")))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
                .hasMessageContaining("root of the file system");
        assertThatThrownBy(() -> LocalStorageConfig.of(Path.of("")))
                .isInstanceOfSatisfying(LifeboatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    }
}
