package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an attacker with a copy of the repository directory learns: nothing of the content, the
 * names or the passwords. And what a user without the right password gets: a clear refusal.
 */
class SecrecyIT {
    private static final List<Charset> ENCODINGS = List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16LE,
            StandardCharsets.UTF_16BE);

    @TempDir
    Path tmp;

    @Test
    void wrongPasswordExitsTwelveAndSaysSoWithAHint() {
        CliProcess owner = CliProcess.forRepository(tmp.resolve("repo"), "the right password");
        owner.run("init").assertSuccess();
        CliProcess stranger = CliProcess.forRepository(owner.repository(), "a wrong password");

        CliResult text = stranger.run("snapshots").assertExitCode(12);
        CliResult json = stranger.run("snapshots", "--json").assertExitCode(12);

        assertThat(text.stderr()).contains("error: wrong password").contains("hint: ").contains("LIFEBOAT_PASSWORD")
                .doesNotContain("a wrong password").doesNotContain("the right password");
        assertThat(text.stdout()).isEmpty();
        JsonNode error = json.json().path("error");
        assertThat(error.path("code").asText()).isEqualTo("wrong_password");
        assertThat(error.path("exit_code").asInt()).isEqualTo(12);
        assertThat(error.path("hint").asText()).contains("--password-file");
    }

    @Test
    void missingPasswordWithoutTerminalExitsTwoWithAHint() {
        CliProcess owner = CliProcess.forRepository(tmp.resolve("repo"), "the right password");
        owner.run("init").assertSuccess();
        CliProcess nobody = owner.withEnv("LIFEBOAT_PASSWORD", null);

        CliResult result = nobody.run("snapshots").assertExitCode(2);

        assertThat(result.stderr()).contains("error: no repository password given")
                .contains("hint: ").contains("LIFEBOAT_PASSWORD").contains("--password-file");
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void repositoryBytesNeverRevealContentNamesOrPasswords() throws IOException {
        String token = HexFormat.of().formatHex(randomBytes());
        String contentMarker = "TOP-SECRET-CONTENT-" + token;
        String fileName = "secret-name-" + token + ".txt";
        String dirName = "secret-dir-" + token;
        String linkTarget = "secret-link-target-" + token;
        String password = "secret-password-" + token;
        String secondPassword = "second-secret-password-" + token;
        System.out.println("SecrecyIT: token " + token);

        Path src = Files.createDirectories(tmp.resolve("src").resolve(dirName));
        Files.writeString(src.resolve(fileName), contentMarker + "\n");
        // Compressible: goes through zstd before encryption, unlike the random data of other tests.
        Files.writeString(src.resolve("repeated.txt"), (contentMarker + "\n").repeat(100_000));
        Files.createSymbolicLink(src.resolve("link"), Path.of(linkTarget));

        CliProcess cli = CliProcess.forRepository(tmp.resolve("repo"), password);
        cli.run("init").assertSuccess();
        cli.run("backup", "files", src.toString()).assertSuccess();
        cli.withEnv("LIFEBOAT_NEW_PASSWORD", secondPassword).run("key", "add").assertSuccess();
        Path target = tmp.resolve("restore");
        cli.withEnv("LIFEBOAT_PASSWORD", secondPassword).run("restore", "latest", "--target", target.toString())
                .assertSuccess();
        assertThat(CliProcess.restoredLocation(target, src).resolve(fileName))
                .as("the marker is in the backup, so the scan below looks for something that is there")
                .hasContent(contentMarker);

        List<String> secrets = List.of(contentMarker, token, fileName, dirName, linkTarget, password, secondPassword);
        assertThat(occurrences("the source file", Files.readAllBytes(src.resolve(fileName)), secrets))
                .as("the scan finds the marker where it is in clear").isNotEmpty();

        List<String> found = new ArrayList<>();
        int files = 0;
        long bytes = 0;
        try (Stream<Path> all = Files.walk(cli.repository())) {
            for (Path p : all.toList()) {
                String name = cli.repository().relativize(p).toString();
                secrets.stream().filter(name::contains)
                        .forEach(s -> found.add(name + ": its path contains '" + s + "'"));
                if (Files.isRegularFile(p)) {
                    byte[] content = Files.readAllBytes(p);
                    files++;
                    bytes += content.length;
                    found.addAll(occurrences(name, content, secrets));
                }
            }
        }
        System.out.printf("SecrecyIT: scanned %d files, %d bytes of the repository for %d secrets in %d encodings%n",
                files, bytes, secrets.size(), ENCODINGS.size());

        assertThat(files).as("config, 2 keys, snapshot, index, packs").isGreaterThanOrEqualTo(6);
        assertThat(found).isEmpty();
    }

    private static List<String> occurrences(String name, byte[] content, List<String> secrets) {
        // ISO-8859-1 maps each byte to one char, so String.indexOf searches the raw bytes.
        String haystack = new String(content, StandardCharsets.ISO_8859_1);
        List<String> found = new ArrayList<>();
        for (String secret : secrets) {
            for (Charset cs : ENCODINGS) {
                String needle = new String(secret.getBytes(cs), StandardCharsets.ISO_8859_1);
                int at = haystack.indexOf(needle);
                if (at >= 0) {
                    found.add(name + ": '" + secret + "' in " + cs + " at offset " + at);
                }
            }
        }
        return found;
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        new Random().nextBytes(b);
        return b;
    }
}
