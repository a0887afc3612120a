package io.lifeboat.cli;

import java.util.Locale;

/** Human-readable byte counts (binary units), and sizes as users write them. */
final class Sizes {
    private static final java.util.regex.Pattern FORMAT =
            java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(i?b?)", java.util.regex.Pattern.CASE_INSENSITIVE);

    private Sizes() {}

    /** Parses {@code 512}, {@code 64KiB}, {@code 500M}, {@code 2GiB}, {@code 1.5T}: units are powers of 1024. */
    static long parse(String text, String option) {
        java.util.regex.Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new io.lifeboat.core.error.LifeboatException(io.lifeboat.core.error.ErrorCode.USAGE,
                    option + ": cannot read size '" + text + "'",
                    "write a number with an optional unit K, M, G, T or P (powers of 1024), e.g. 2GiB or 500M");
        }
        int power = "kmgtp".indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
        double v = Double.parseDouble(m.group(1)) * Math.pow(1024, power);
        return v >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) v;
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
