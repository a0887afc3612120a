package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Where passwords come from: an environment variable, a file, or a prompt on a terminal. Never
 * from argv, where every user of the machine could read them.
 */
final class Passwords {
    static final String ENV = "LIFEBOAT_PASSWORD";
    static final String FILE_ENV = "LIFEBOAT_PASSWORD_FILE";
    static final String NEW_ENV = "LIFEBOAT_NEW_PASSWORD";
    /** The second repository of a command with two ({@code copy --to}). */
    static final String SECOND_ENV = "LIFEBOAT_PASSWORD2";
    static final String SECOND_FILE_ENV = "LIFEBOAT_PASSWORD_FILE2";

    private final Map<String, String> env;
    private final Console console;

    Passwords(Map<String, String> env, Console console) {
        this.env = env;
        this.console = console;
    }

    /** The password that opens the repository. */
    char[] current(Path file) {
        if (file == null && env.get(FILE_ENV) != null && !env.get(FILE_ENV).isEmpty()) {
            file = Path.of(env.get(FILE_ENV));
        }
        return read(file, ENV, "repository password", false);
    }

    /**
     * The password of the second repository ({@code copy --to}): {@code --password-file2},
     * {@code LIFEBOAT_PASSWORD_FILE2}, {@code LIFEBOAT_PASSWORD2} or a prompt; asked twice when
     * the repository is being created.
     */
    char[] second(Path file, boolean creating) {
        if (file == null && env.get(SECOND_FILE_ENV) != null && !env.get(SECOND_FILE_ENV).isEmpty()) {
            file = Path.of(env.get(SECOND_FILE_ENV));
        }
        return read(file, SECOND_ENV, creating ? "new password of the target repository"
                : "password of the target repository", creating);
    }

    /** A new password (init, key add, key passwd): asked twice on a terminal. */
    char[] fresh(Path file, String envName) {
        return read(file, envName, "new password", true);
    }

    private char[] read(Path file, String envName, String what, boolean confirm) {
        if (file != null) {
            return fromFile(file);
        }
        String v = env.get(envName);
        if (v != null && !v.isEmpty()) {
            return v.toCharArray();
        }
        if (console != null && Terminal.isInteractive(console)) {
            char[] p = console.readPassword("Enter %s: ", what);
            if (p == null || p.length == 0) {
                throw new LifeboatException(ErrorCode.USAGE, "empty " + what, "type a password, or set " + envName);
            }
            if (confirm) {
                char[] again = console.readPassword("Enter %s again: ", what);
                if (!Arrays.equals(p, again)) {
                    throw new LifeboatException(ErrorCode.USAGE, "the two passwords differ", "type the same password twice");
                }
            }
            return p;
        }
        throw new LifeboatException(ErrorCode.USAGE, "no " + what + " given",
                "set " + envName + ", pass --password-file FILE, or run on a terminal to be asked");
    }

    private static char[] fromFile(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            String line = nl >= 0 ? s.substring(0, nl) : s;
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                throw new LifeboatException(ErrorCode.USAGE, "password file " + file + " is empty",
                        "write the password on the first line of the file");
            }
            return line.toCharArray();
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.USAGE, "cannot read password file " + file + ": " + e.getMessage(),
                    "check the path and its permissions", e);
        }
    }
}
