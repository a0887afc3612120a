package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations the way users write them: {@code 90s}, {@code 5m}, {@code 2h}, {@code 1d}. */
final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)([smhd])");

    private Durations() {}

    static Duration parse(String text, String option) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new LifeboatException(ErrorCode.USAGE, option + ": cannot read duration '" + text + "'",
                    "write a number followed by s, m, h or d, e.g. 30s or 5m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
