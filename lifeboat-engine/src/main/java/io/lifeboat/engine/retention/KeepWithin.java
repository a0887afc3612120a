package io.lifeboat.engine.retention;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The span of {@code keep-within}, written {@code 1y2m}, {@code 2w}, {@code 7d}, {@code 36h}:
 * years, months, weeks, days (calendar units in the policy's zone) and hours (exact), in that
 * order, each at most once. Note that {@code m} means months here.
 */
public record KeepWithin(int years, int months, int weeks, int days, int hours) {
    private static final Pattern FORMAT = Pattern.compile("(?:(\\d{1,4})y)?(?:(\\d{1,5})m)?(?:(\\d{1,6})w)?"
            + "(?:(\\d{1,7})d)?(?:(\\d{1,8})h)?");

    public KeepWithin {
        if (years < 0 || months < 0 || weeks < 0 || days < 0 || hours < 0) {
            throw new IllegalArgumentException("keep-within parts must not be negative");
        }
    }

    public static KeepWithin parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (text.isBlank() || !m.matches()) {
            throw new LifeboatException(ErrorCode.USAGE, "--keep-within: cannot read span '" + text + "'",
                    "write numbers with units in the order y (years), m (months), w (weeks), d (days), h (hours), "
                            + "e.g. 2d, 36h or 1y2m");
        }
        return new KeepWithin(part(m, 1), part(m, 2), part(m, 3), part(m, 4), part(m, 5));
    }

    private static int part(Matcher m, int group) {
        return m.group(group) == null ? 0 : Integer.parseInt(m.group(group));
    }

    /** The oldest time still kept when the newest snapshot of the group is {@code newest}. */
    public Instant cutoff(Instant newest, ZoneId zone) {
        return newest.atZone(zone).minusYears(years).minusMonths(months).minusWeeks(weeks).minusDays(days)
                .minusHours(hours).toInstant();
    }

    @Override
    public String toString() {
        String s = (years > 0 ? years + "y" : "") + (months > 0 ? months + "m" : "") + (weeks > 0 ? weeks + "w" : "")
                + (days > 0 ? days + "d" : "") + (hours > 0 ? hours + "h" : "");
        return s.isEmpty() ? "0h" : s;
    }
}
