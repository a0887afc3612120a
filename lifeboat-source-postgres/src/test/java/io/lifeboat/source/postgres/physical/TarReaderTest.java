package io.lifeboat.source.postgres.physical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reads archives written by GNU tar in the formats pg_basebackup and other tools use. */
class TarReaderTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"ustar", "gnu", "pax"})
    void readsEveryEntryAndItsExactContent(String format) throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("base/1"));
        Random r = new Random(17);
        Map<String, byte[]> expected = new LinkedHashMap<>();
        for (int size : new int[] {0, 1, 511, 512, 513, 8192 * 3, 300_001}) {
            byte[] b = new byte[size];
            r.nextBytes(b);
            expected.put("base/1/" + (16384 + size), b);
        }
        if (!format.equals("ustar")) {
            expected.put("base/1/" + "long".repeat(40), new byte[] {1, 2, 3});
        }
        for (var e : expected.entrySet()) {
            Files.write(src.resolve(e.getKey()), e.getValue());
        }
        Files.createSymbolicLink(src.resolve("link"), Path.of("base/1"));
        Path tar = tmp.resolve("a.tar");
        Process p = new ProcessBuilder("tar", "--format=" + format, "-cf", tar.toString(), "-C", src.toString(), ".")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();

        Map<String, byte[]> read = new LinkedHashMap<>();
        String linkTarget = null;
        int dirs = 0;
        try (InputStream in = Files.newInputStream(tar)) {
            TarReader reader = new TarReader(in);
            TarReader.Entry e;
            while ((e = reader.next()) != null) {
                switch (e.kind()) {
                    case FILE -> {
                        byte[] b = reader.content().readAllBytes();
                        assertThat(b.length).isEqualTo(e.size());
                        read.put(e.name(), b);
                    }
                    case DIRECTORY -> dirs++;
                    case SYMLINK -> linkTarget = e.linkTarget();
                }
            }
        }
        assertThat(read.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((k, v) -> assertThat(read.get(k)).as(k).isEqualTo(v));
        assertThat(linkTarget).isEqualTo("base/1");
        assertThat(dirs).isGreaterThanOrEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 100})
    void unreadContentIsSkipped(int readFirst) throws Exception {
        Path src = tmp.resolve("s");
        Files.createDirectories(src);
        Files.write(src.resolve("a"), new byte[5000]);
        Files.writeString(src.resolve("b"), "second");
        Path tar = tmp.resolve("b.tar");
        Process p = new ProcessBuilder("tar", "--format=ustar", "-cf", tar.toString(), "-C", src.toString(), "a", "b").start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        TarReader reader = new TarReader(Files.newInputStream(tar));
        assertThat(reader.next().name()).isEqualTo("a");
        reader.content().readNBytes(readFirst);
        TarReader.Entry b = reader.next();
        assertThat(b.name()).isEqualTo("b");
        assertThat(new String(reader.content().readAllBytes())).isEqualTo("second");
        assertThat(reader.next()).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 700})
    void truncatedOrDamagedStreamsFail(int cut) throws IOException {
        byte[] junk = new byte[cut];
        new Random(cut).nextBytes(junk);
        assertThatThrownBy(() -> new TarReader(new ByteArrayInputStream(junk)).next()).isInstanceOf(IOException.class);
    }
}
