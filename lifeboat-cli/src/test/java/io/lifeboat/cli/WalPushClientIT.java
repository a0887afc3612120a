package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.storage.Storage;
import io.lifeboat.repository.ClientContext;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.wal.WalArchive;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The archive_command client without a daemon falls back to a direct push in a JVM, and that JVM
 * writes nothing outside the repository: zstd's native library is loaded from where the build
 * unpacked it, not copied to the temporary directory (here one that does not exist, which would
 * make the copy, and so the push, fail). The direct push's JVM gets the launcher's options: the
 * start-up cache of the repository's kind when the Java is 25 or later and the cache exists.
 */
class WalPushClientIT {
    private static final String PASSWORD = "client test password";
    private static final String SYSTEM_ID = "7312345678901234567";

    @TempDir
    Path tmp;

    @Test
    void withoutADaemonTheClientPushesDirectlyAndWritesNoTemporaryFile() throws Exception {
        Path repo = tmp.resolve("repo");
        CliProcess.forRepository(repo, PASSWORD).run("init").assertSuccess();
        Path passwordFile = tmp.resolve("password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        Path segment = Files.createDirectories(tmp.resolve("pg_wal")).resolve("000000010000000000000002");
        byte[] content = new byte[16 * 1024 * 1024];
        new SplittableRandom(2).nextBytes(content);
        Files.write(segment, content);

        Path client = PostgresOsSupport.jar().resolveSibling("lifeboat-wal-push");
        ProcessBuilder pb = new ProcessBuilder(List.of(client.toString(), "--socket", tmp.resolve("absent.sock").toString(),
                "--repo", repo.toString(), "--password-file", passwordFile.toString(), "--system-id", SYSTEM_ID, "--",
                segment.toString())).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("LIFEBOAT_") || k.contains("JAVA_OPTIONS"));
        pb.environment().put("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp.resolve("no-such-directory"));
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();

        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("pushing 000000010000000000000002 directly");
        Storage storage = Main.defaultStorages(Map.of()).open(repo.toString());
        try (Repository r = Repository.open(storage, PASSWORD.toCharArray(), ClientContext.system())) {
            assertThat(new WalArchive(r.storage(), r.codec()).fetch(SYSTEM_ID, segment.getFileName().toString())
                    .orElseThrow()).isEqualTo(content);
        }
    }

    /** A stand-in {@code java} that records its arguments, with the {@code release} file of the given version. */
    @ParameterizedTest
    @CsvSource({"25.0.3, /backup/repo, lifeboat.aot", "26, s3://bucket/repo, lifeboat-s3.aot", "21.0.5, /backup/repo, "})
    void theDirectPushStartsItsJvmAsTheLauncherWould(String javaVersion, String repo, String expectedCache)
            throws Exception {
        Path javaHome = Files.createDirectories(tmp.resolve("jdk/bin")).getParent();
        Path args = tmp.resolve("java-args");
        Path java = javaHome.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + args + "'\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(javaHome.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + javaVersion + "\"\n");
        Path install = Files.createDirectories(tmp.resolve("install"));
        Files.write(install.resolve("lifeboat.jar"), new byte[0]);
        Files.write(install.resolve("lifeboat.aot"), new byte[0]);
        Files.write(install.resolve("lifeboat-s3.aot"), new byte[0]);
        Path segment = Files.createDirectories(tmp.resolve("pg_wal")).resolve("000000010000000000000003");
        Files.write(segment, new byte[16]);

        Path client = PostgresOsSupport.jar().resolveSibling("lifeboat-wal-push");
        ProcessBuilder pb = new ProcessBuilder(List.of(client.toString(), "--socket", tmp.resolve("absent.sock").toString(),
                "--repo", repo, "--", segment.toString())).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("LIFEBOAT_"));
        pb.environment().put("LIFEBOAT_JAVA_HOME", javaHome.toString());
        pb.environment().put("LIFEBOAT_JAR", install.resolve("lifeboat.jar").toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();

        List<String> options = Files.readAllLines(args);
        assertThat(options).as(out).contains("-XX:+UseSerialGC", "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED")
                .containsSubsequence("-jar", install.resolve("lifeboat.jar").toString(), "wal", "push");
        if (expectedCache == null) {
            assertThat(options).noneMatch(o -> o.startsWith("-XX:AOTCache"));
        } else {
            assertThat(options).contains("-XX:AOTCache=" + install.resolve(expectedCache), "-Xlog:aot=off");
        }
    }
}
