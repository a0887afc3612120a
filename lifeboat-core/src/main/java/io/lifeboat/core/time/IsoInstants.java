package io.lifeboat.core.time;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;

/**
 * Parses the instants the repository stores ({@link Instant#toString()}: {@code
 * 2026-12-02T10:11:12.123456789Z}, the fraction absent or of 1 to 9 digits) without the
 * general {@link java.time.format.DateTimeFormatter}. Every tree node has an mtime, and on a cold
 * JVM {@link Instant#parse} cost about 50 µs each: half of loading a parent snapshot's trees in
 * an unchanged re-backup. Anything else (years beyond 9999, offsets, a leap second, a malformed
 * text) goes to {@link Instant#parse}, so the result and the errors are always its own.
 */
public final class IsoInstants {
    private static final int[] SCALE = {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

    private IsoInstants() {}

    public static Instant parse(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || n == 21 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z'
                || (n > 20 && s.charAt(19) != '.')) {
            return Instant.parse(s);
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        int fraction = n > 20 ? digits(s, 20, n - 1) : 0;
        if (year < 0 || month < 1 || month > 12 || !YearMonth.of(year, month).isValidDay(day)
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || fraction < 0) {
            return Instant.parse(s);
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        int nanos = n > 20 ? fraction * SCALE[n - 21] : 0;
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal value of {@code s[from, to)}, or -1 when a character is not an ASCII digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
