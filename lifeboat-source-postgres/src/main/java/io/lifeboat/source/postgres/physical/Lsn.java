package io.lifeboat.source.postgres.physical;

/**
 * A WAL position ({@code pg_lsn}), written by PostgreSQL as two hex halves {@code X/Y}.
 * Ordered as unsigned 64-bit numbers.
 */
public record Lsn(long value) implements Comparable<Lsn> {

    public static Lsn parse(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new IllegalArgumentException("not an LSN (X/Y in hex): " + text);
        }
        long hi = Long.parseLong(text.substring(0, slash), 16);
        long lo = Long.parseLong(text.substring(slash + 1), 16);
        if (hi > 0xffffffffL || lo > 0xffffffffL) {
            throw new IllegalArgumentException("not an LSN (X/Y in hex): " + text);
        }
        return new Lsn((hi << 32) | lo);
    }

    /** The name of the segment holding this position on {@code timeline}. */
    public String segmentName(int timeline, long segmentSize) {
        long segno = Long.divideUnsigned(value, segmentSize);
        long perId = 0x100000000L / segmentSize;
        return String.format("%08X%08X%08X", timeline, segno / perId, segno % perId);
    }

    /** The segment after {@code name} (same timeline). */
    public static String nextSegment(String name, long segmentSize) {
        int tli = Integer.parseUnsignedInt(name.substring(0, 8), 16);
        long perId = 0x100000000L / segmentSize;
        long segno = Long.parseLong(name.substring(8, 16), 16) * perId + Long.parseLong(name.substring(16, 24), 16) + 1;
        return String.format("%08X%08X%08X", tli, segno / perId, segno % perId);
    }

    @Override
    public int compareTo(Lsn o) {
        return Long.compareUnsigned(value, o.value);
    }

    @Override
    public String toString() {
        return String.format("%X/%X", value >>> 32, value & 0xffffffffL);
    }
}
