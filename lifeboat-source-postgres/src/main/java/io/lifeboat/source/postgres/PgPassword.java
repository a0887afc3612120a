package io.lifeboat.source.postgres;

import java.util.Objects;

/**
 * A database password. Prints as {@code ***}; only the JDBC login and the temporary password
 * file for child processes ({@link ClientEnvironment}) ever see the value.
 */
public final class PgPassword {
    private final String value;

    private PgPassword(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static PgPassword of(String value) {
        return new PgPassword(value);
    }

    String reveal() {
        return value;
    }

    /** Replaces every occurrence of the password in {@code text} (an error message of a child) by {@code ***}. */
    String scrub(String text) {
        return text == null || value.isEmpty() ? text : text.replace(value, "***");
    }

    @Override
    public String toString() {
        return "***";
    }
}
