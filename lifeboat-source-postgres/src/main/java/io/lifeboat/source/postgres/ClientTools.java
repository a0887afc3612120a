package io.lifeboat.source.postgres;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The PostgreSQL client programs (pg_dump, pg_restore, pg_dumpall) of one major version, chosen
 * for a server: the configured directory, else {@code <root>/<major>/bin} of the server's major
 * version (Debian's layout), else the oldest installed version newer than the server. A client
 * older than the server is refused: pg_dump cannot read newer catalogs.
 *
 * @param bin the directory holding the programs
 * @param major the client's major version, from {@code pg_dump --version}
 * @param version the full version line
 */
public record ClientTools(Path bin, int major, String version) {
    /** Where Debian installs one directory per major version. */
    public static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");

    /**
     * Where to look for the client programs.
     *
     * @param bin a configured directory ({@code --pg-bin}, {@code LIFEBOAT_PG_BIN}), or {@code null}
     * @param root the directory with one {@code <major>/bin} per installed version
     */
    public record Config(Path bin, Path root) {
        public static Config defaults() {
            return new Config(null, DEBIAN_ROOT);
        }
    }

    /** The programs for a server of major version {@code serverMajor}; {@code program} must exist. */
    public static ClientTools forServer(Config config, int serverMajor, String program) {
        if (config.bin() != null) {
            Path exe = config.bin().resolve(program);
            if (!Files.isExecutable(exe)) {
                throw new LifeboatException(ErrorCode.SOURCE_ERROR, program + " not found in " + config.bin(),
                        "point --pg-bin (or LIFEBOAT_PG_BIN) at the bin directory of PostgreSQL " + serverMajor
                                + " client programs, or install them: apt-get install " + debianPackage(serverMajor));
            }
            return checked(config.bin(), serverMajor, program);
        }
        List<Integer> installed = installedMajors(config.root(), program);
        Optional<Integer> pick = installed.contains(serverMajor) ? Optional.of(serverMajor)
                : installed.stream().filter(m -> m > serverMajor).min(Comparator.naturalOrder());
        if (pick.isEmpty()) {
            String older = installed.isEmpty() ? "" : " (installed: " + installed + ", all older than the server)";
            throw new LifeboatException(installed.isEmpty() ? ErrorCode.SOURCE_ERROR : ErrorCode.REFUSED,
                    program + " for PostgreSQL " + serverMajor + " not found in " + config.root() + older,
                    "install the client programs of the server's version: apt-get install " + debianPackage(serverMajor)
                            + " (from apt.postgresql.org when Debian lacks it), or pass --pg-bin DIR");
        }
        return checked(config.root().resolve(pick.get().toString()).resolve("bin"), serverMajor, program);
    }

    public Path program(String name) {
        return bin.resolve(name);
    }

    static String debianPackage(int major) {
        return "postgresql-client-" + major;
    }

    private static ClientTools checked(Path bin, int serverMajor, String program) {
        String line = versionOf(bin.resolve(program));
        int major = parseMajor(line).orElseThrow(() -> new LifeboatException(ErrorCode.SOURCE_ERROR,
                "cannot tell the version of " + bin.resolve(program) + " from '" + line + "'",
                "point --pg-bin at a directory of PostgreSQL client programs"));
        if (major < serverMajor) {
            throw new LifeboatException(ErrorCode.REFUSED, bin.resolve(program) + " is PostgreSQL " + major
                    + ", older than the server (" + serverMajor + "); it cannot read the server's catalogs",
                    "install " + debianPackage(serverMajor) + " (or newer) and pass its bin directory with --pg-bin");
        }
        return new ClientTools(bin, major, line);
    }

    static Optional<Integer> parseMajor(String versionLine) {
        Matcher m = VERSION.matcher(versionLine);
        return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    private static List<Integer> installedMajors(Path root, String program) {
        List<Integer> out = new ArrayList<>();
        if (root == null || !Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(d -> d.getFileName().toString().matches("\\d+"))
                    .filter(d -> Files.isExecutable(d.resolve("bin").resolve(program)))
                    .forEach(d -> out.add(Integer.parseInt(d.getFileName().toString())));
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "cannot list " + root + ": " + e.getMessage(),
                    "pass --pg-bin DIR", e);
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private static String versionOf(Path exe) {
        try {
            Process p = new ProcessBuilder(exe.toString(), "--version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(4096);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new LifeboatException(ErrorCode.SOURCE_ERROR, exe + " --version did not answer within 30 s",
                        "check the PostgreSQL client installation");
            }
            return new String(out, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.SOURCE_ERROR, "cannot run " + exe + ": " + e.getMessage(),
                    "check the PostgreSQL client installation", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ErrorCode.INTERRUPTED, "interrupted while asking " + exe + " for its version", null, e);
        }
    }
}
