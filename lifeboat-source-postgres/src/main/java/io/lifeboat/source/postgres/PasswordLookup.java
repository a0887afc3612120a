package io.lifeboat.source.postgres;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the database password as libpq would, never on the command line: a password file named
 * by the user (first line), else {@code PGPASSWORD}, else the first matching line of
 * {@code PGPASSFILE} or {@code ~/.pgpass} ({@code host:port:database:user:password}, {@code *}
 * matches anything, {@code \:} and {@code \\} escape). Empty when none is found: the server may
 * not ask for one.
 */
public final class PasswordLookup {
    private PasswordLookup() {}

    public static Optional<PgPassword> find(Path passwordFile, PgConnectionConfig c, Map<String, String> env) {
        if (passwordFile != null) {
            return Optional.of(PgPassword.of(firstLine(passwordFile)));
        }
        String fromEnv = env.get("PGPASSWORD");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return Optional.of(PgPassword.of(fromEnv));
        }
        Path pgpass = env.get("PGPASSFILE") != null && !env.get("PGPASSFILE").isEmpty() ? Path.of(env.get("PGPASSFILE"))
                : env.get("HOME") != null ? Path.of(env.get("HOME"), ".pgpass") : null;
        if (pgpass == null || !Files.isRegularFile(pgpass)) {
            return Optional.empty();
        }
        try {
            return match(Files.readAllLines(pgpass, StandardCharsets.UTF_8), c).map(PgPassword::of);
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.USAGE, "cannot read the PostgreSQL password file " + pgpass + ": "
                    + e.getMessage(), "check its permissions (libpq wants 0600)", e);
        }
    }

    /** The password of the first pgpass line matching host, port, database and user. */
    static Optional<String> match(List<String> lines, PgConnectionConfig c) {
        String[] wanted = {c.host(), Integer.toString(c.port()), c.database(), c.user()};
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> fields = split(line);
            if (fields.size() < 5) {
                continue;
            }
            boolean ok = true;
            for (int i = 0; i < 4 && ok; i++) {
                ok = fields.get(i).equals("*") || fields.get(i).equals(wanted[i]);
            }
            if (ok) {
                return Optional.of(fields.get(4));
            }
        }
        return Optional.empty();
    }

    private static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
            } else if (ch == ':' && out.size() < 4) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static String firstLine(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            String line = nl >= 0 ? s.substring(0, nl) : s;
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                throw new LifeboatException(ErrorCode.USAGE, "PostgreSQL password file " + file + " is empty",
                        "write the password on the first line of the file");
            }
            return line;
        } catch (IOException e) {
            throw new LifeboatException(ErrorCode.USAGE, "cannot read the PostgreSQL password file " + file + ": "
                    + e.getMessage(), "check the path and its permissions", e);
        }
    }
}
