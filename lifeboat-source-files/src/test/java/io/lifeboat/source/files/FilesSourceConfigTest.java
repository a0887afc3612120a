package io.lifeboat.source.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesSourceConfigTest {
    @TempDir
    Path tmp;

    @Test
    void acceptsExistingAbsolutePathsAndDropsDuplicates() {
        var config = new FilesSourceConfig(List.of(tmp, tmp), List.of("*.tmp"), true);

        assertThat(config.paths()).containsExactly(tmp);
        assertThat(config.excludes()).containsExactly("*.tmp");
        assertThat(config.oneFileSystem()).isTrue();
    }

    @Test
    void acceptsDanglingSymlinkAsPath() {
        Path link = Disk.symlink(tmp.resolve("dangling"), "nowhere");

        assertThat(FilesSourceConfig.of(link).paths()).containsExactly(link);
    }

    @Test
    void rejectsNoPaths() {
        assertUsage(() -> new FilesSourceConfig(List.of(), List.of(), false), "no paths", "absolute path");
    }

    @Test
    void rejectsRelativePathWithTheAbsoluteFormAsHint() {
        assertUsage(() -> FilesSourceConfig.of(Path.of("data")), "path data is not absolute",
                Path.of("data").toAbsolutePath().toString());
    }

    @Test
    void rejectsUnnormalizedPath() {
        Path messy = Path.of(tmp + "/x/../y");
        assertUsage(() -> FilesSourceConfig.of(messy), "is not normalized", tmp.resolve("y").toString());
    }

    @Test
    void rejectsMissingPath() {
        assertUsage(() -> FilesSourceConfig.of(tmp.resolve("missing")), tmp.resolve("missing") + " does not exist",
                "check the spelling");
    }

    @Test
    void rejectsInvalidExclude() {
        assertUsage(() -> FilesSourceConfig.of(tmp).withExcludes(List.of("[oops")), "'[oops' is not a valid glob", "*.tmp");
    }

    private static void assertUsage(Runnable make, String message, String hint) {
        assertThatThrownBy(make::run).isInstanceOfSatisfying(LifeboatException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
            assertThat(e.getMessage()).contains(message);
            assertThat(e.hint()).contains(hint);
        });
    }
}
