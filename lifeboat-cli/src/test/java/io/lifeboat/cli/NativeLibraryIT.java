package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native libraries a command uses. A zstd library that cannot be loaded is a clear error with
 * a hint, never a stack trace, and leaves the repository as it was; the key derivation names its
 * implementation in {@code --version}.
 */
class NativeLibraryIT {
    private static final String PASSWORD = "native library test";

    @TempDir
    Path tmp;

    @Test
    void aZstdLibraryThatCannotBeLoadedIsAClearErrorAndChangesNothing() throws Exception {
        CliProcess cli = CliProcess.forRepository(tmp.resolve("repo"), PASSWORD);
        cli.run("init").assertSuccess();
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Files.writeString(tree.resolve("a.txt"), "a file that must not be backed up with a broken zstd\n");
        cli.run("backup", "files", tree.toString()).assertSuccess();

        CliProcess broken = cli.withJvmOptions("-DZstdNativePath=" + tmp.resolve("missing/libzstd-jni.so"));
        for (String[] args : new String[][] {{"snapshots"}, {"backup", "files", tree.toString()}}) {
            CliResult r = broken.run(args).assertExitCode(1);
            assertThat(r.stderr()).as(r.describe())
                    .contains("zstd's native library cannot be loaded from " + tmp.resolve("missing/libzstd-jni.so"))
                    .contains("hint: -DZstdNativePath must name the libzstd-jni library")
                    .doesNotContain("Exception in thread", "\tat ");
        }

        assertThat(cli.run("snapshots", "--json").assertSuccess().json()).hasSize(1);
        cli.run("check", "--read-data").assertSuccess();
    }

    @Test
    void versionNamesTheKeyDerivation() {
        CliResult native_ = CliProcess.forRepository(tmp.resolve("unused"), PASSWORD).runWithoutRepository("--version")
                .assertSuccess();
        assertThat(native_.stdout()).containsPattern("key derivation: (libargon2\\.so\\.1|java \\(.+\\))");
        CliResult java = CliProcess.forRepository(tmp.resolve("unused"), PASSWORD).withJvmOptions("-Dlifeboat.argon2=java")
                .runWithoutRepository("--version").assertSuccess();
        assertThat(java.stdout()).contains("key derivation: java (lifeboat.argon2=java)");
    }
}
