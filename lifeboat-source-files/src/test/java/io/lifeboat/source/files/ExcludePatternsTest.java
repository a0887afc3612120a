package io.lifeboat.source.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExcludePatternsTest {

    private static boolean excludes(String pattern, String path, boolean directory) {
        return ExcludePatterns.compile(List.of(pattern)).excludes(Path.of(path), directory);
    }

    @Test
    void patternWithoutSlashMatchesTheNameAtAnyDepth() {
        assertThat(excludes("*.tmp", "/a.tmp", false)).isTrue();
        assertThat(excludes("*.tmp", "/srv/x/y/b.tmp", false)).isTrue();
        assertThat(excludes("*.tmp", "/srv/x.tmp/file", false)).isFalse();
        assertThat(excludes("*.tmp", "/srv/tmp", false)).isFalse();
        assertThat(excludes(".git", "/srv/repo/.git", true)).isTrue();
        assertThat(excludes("?.log", "/srv/a.log", false)).isTrue();
        assertThat(excludes("?.log", "/srv/ab.log", false)).isFalse();
        assertThat(excludes("*.{jpg,png}", "/srv/p.png", false)).isTrue();
    }

    @Test
    void trailingSlashRestrictsToDirectories() {
        assertThat(excludes("cache/", "/srv/app/cache", true)).isTrue();
        assertThat(excludes("cache/", "/srv/app/cache", false)).isFalse();
        assertThat(excludes("cache", "/srv/app/cache", false)).isTrue();
    }

    @Test
    void leadingSlashMatchesTheAbsolutePath() {
        assertThat(excludes("/srv/app/logs", "/srv/app/logs", true)).isTrue();
        assertThat(excludes("/srv/app/logs", "/other/srv/app/logs", true)).isFalse();
        assertThat(excludes("/home/*/tmp", "/home/u/tmp", true)).isTrue();
        assertThat(excludes("/home/*/tmp", "/home/u/v/tmp", true)).isFalse();
        assertThat(excludes("/home/**/tmp", "/home/u/v/tmp", true)).isTrue();
    }

    @Test
    void relativePatternWithSlashMatchesFromAnyDirectory() {
        assertThat(excludes("**/node_modules", "/node_modules", true)).isTrue();
        assertThat(excludes("**/node_modules", "/srv/a/b/node_modules", true)).isTrue();
        assertThat(excludes("**/node_modules", "/srv/a/node_modules_old", true)).isFalse();
        assertThat(excludes("build/classes", "/srv/p/build/classes", true)).isTrue();
        assertThat(excludes("build/classes", "/srv/p/xbuild/classes", true)).isFalse();
        assertThat(excludes("build/*.o", "/srv/p/build/main.o", false)).isTrue();
        assertThat(excludes("build/*.o/", "/srv/p/build/main.o", false)).isFalse();
    }

    @Test
    void anyOfSeveralPatternsExcludes() {
        var patterns = ExcludePatterns.compile(List.of("*.tmp", "cache/"));
        assertThat(patterns.excludes(Path.of("/a/b.tmp"), false)).isTrue();
        assertThat(patterns.excludes(Path.of("/a/cache"), true)).isTrue();
        assertThat(patterns.excludes(Path.of("/a/keep"), false)).isFalse();
        assertThat(ExcludePatterns.NONE.excludes(Path.of("/a/b.tmp"), false)).isFalse();
    }

    @Test
    void invalidPatternsFailWithUsageNamingThePattern() {
        for (String bad : List.of("", " ", "/", "a//", "[unclosed", "{a,b")) {
            assertThatThrownBy(() -> ExcludePatterns.compile(List.of(bad)))
                    .as("pattern '%s'", bad)
                    .isInstanceOfSatisfying(LifeboatException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                        assertThat(e.hint()).contains("**/node_modules");
                    });
        }
        assertThatThrownBy(() -> ExcludePatterns.compile(List.of("[unclosed")))
                .hasMessageContaining("'[unclosed'");
    }
}
