package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JVM options of the restore_command a physical restore configures. */
class QuickStartOptionsTest {
    private static final List<String> BASE = List.of("-XX:CompileThresholdScaling=5", "-XX:+UseSerialGC",
            "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED");

    @TempDir
    Path jarDir;

    @Test
    void withoutCacheOrLibraryBesideTheJarOnlyTheBaseOptions() {
        assertThat(RestorePostgresCommand.quickStartOptions(jarDir, false)).isEqualTo(BASE);
        assertThat(RestorePostgresCommand.quickStartOptions(null, true)).isEqualTo(BASE);
    }

    @Test
    void theCacheOfTheRepositorysKindAndZstdsLibraryWhenTheBuildLeftThem() throws IOException {
        Files.write(jarDir.resolve("lifeboat.aot"), new byte[] {1});
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "amd64";
            default -> "aarch64";
        };
        Path so = Files.createDirectories(jarDir.resolve("native/linux/" + arch)).resolve("libzstd-jni-1.5.7-28.so");
        Files.write(so, new byte[] {1});

        List<String> local = RestorePostgresCommand.quickStartOptions(jarDir, false);
        assertThat(local).startsWith(BASE.toArray(String[]::new))
                .contains("-DZstdNativePath=" + so, "-Xlog:aot=off", "-Xlog:cds=off");
        if (Runtime.version().feature() >= 25) {
            assertThat(local).contains("-XX:AOTCache=" + jarDir.resolve("lifeboat.aot"));
        }
        // An S3 repository wants the S3 cache; there is none here, so no cache at all.
        assertThat(RestorePostgresCommand.quickStartOptions(jarDir, true))
                .noneMatch(o -> o.startsWith("-XX:AOTCache")).contains("-DZstdNativePath=" + so);
    }
}
