package io.lifeboat.engine.retention;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;

/** The calendar periods of the bucket rules, computed in a time zone. */
enum Bucket {
    HOURLY("hourly"),
    DAILY("daily"),
    WEEKLY("weekly"),
    MONTHLY("monthly"),
    YEARLY("yearly");

    private final String label;

    Bucket(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** A value equal for two times exactly when they fall in the same bucket. */
    Object keyOf(Instant time, ZoneId zone) {
        var local = time.atZone(zone);
        LocalDate date = local.toLocalDate();
        return switch (this) {
            // The instant of the hour's start: the local hour and its offset, so the hour repeated
            // when DST ends is two buckets, as it is two hours.
            case HOURLY -> local.truncatedTo(ChronoUnit.HOURS).toInstant();
            case DAILY -> date;
            case WEEKLY -> date.get(IsoFields.WEEK_BASED_YEAR) + "-W" + date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            case MONTHLY -> YearMonth.from(date);
            case YEARLY -> date.getYear();
        };
    }
}
