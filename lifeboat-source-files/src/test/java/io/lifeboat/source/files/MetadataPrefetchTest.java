package io.lifeboat.source.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataPrefetchTest {
    @TempDir
    Path tmp;

    @Test
    void readsEveryEntryButThoseOfExcludedDirectoriesAndFollowsNoLink() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("tree"));
        for (String d : List.of("a", "a/b", "skip")) {
            Files.createDirectories(root.resolve(d));
        }
        for (String f : List.of("top.txt", "a/one", "a/b/two", "skip/x", "skip/y")) {
            Files.writeString(root.resolve(f), f);
        }
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("z"), "z");
        Files.createSymbolicLink(root.resolve("link"), outside);

        try (MetadataPrefetch p = MetadataPrefetch.start(List.of(root), ExcludePatterns.compile(List.of("skip")))) {
            p.join();
            // top.txt, a, link, skip, a/one, a/b, a/b/two: the excluded directory itself is read, not its entries
            assertThat(p.entries()).isEqualTo(7);
        }
    }
}
