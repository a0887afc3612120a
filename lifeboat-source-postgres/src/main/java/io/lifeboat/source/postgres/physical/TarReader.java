package io.lifeboat.source.postgres.physical;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * Reads a tar stream (ustar, as written by {@code pg_basebackup -Ft}; GNU long names and pax
 * {@code path}/{@code linkpath}/{@code size} records too) entry by entry, without buffering
 * more than one 512-byte header. Each entry's content is a view of the stream that ends at the
 * entry's size; whatever the caller leaves unread is skipped by the next {@link #next()}. Not
 * thread safe.
 */
public final class TarReader {
    private static final int BLOCK = 512;

    /** One archive member. {@code name} has no leading "./" and no trailing '/'. */
    public record Entry(String name, Kind kind, int mode, Instant mtime, long size, String linkTarget) {
        public Entry {
            Objects.requireNonNull(name, "name");
        }
    }

    public enum Kind { FILE, DIRECTORY, SYMLINK }

    private final InputStream in;
    private long remaining;
    private long padding;
    private final byte[] header = new byte[BLOCK];

    public TarReader(InputStream in) {
        this.in = Objects.requireNonNull(in, "in");
    }

    /** The next entry, or {@code null} at the end of the archive. */
    public Entry next() throws IOException {
        skipRest();
        String longName = null;
        String longLink = null;
        long paxSize = -1;
        while (true) {
            if (!readHeader()) {
                return null;
            }
            char type = (char) header[156];
            long size = number(124, 12);
            switch (type) {
                case 'L' -> longName = cString(readSmall(size));
                case 'K' -> longLink = cString(readSmall(size));
                case 'x' -> {
                    String pax = new String(readSmall(size), StandardCharsets.UTF_8);
                    for (String rec : pax.split("\n")) {
                        int sp = rec.indexOf(' ');
                        int eq = rec.indexOf('=');
                        if (sp < 0 || eq < sp) {
                            continue;
                        }
                        String key = rec.substring(sp + 1, eq);
                        String value = rec.substring(eq + 1);
                        switch (key) {
                            case "path" -> longName = value;
                            case "linkpath" -> longLink = value;
                            case "size" -> paxSize = Long.parseLong(value);
                            default -> { }
                        }
                    }
                }
                case 'g' -> readSmall(size);
                default -> {
                    String name = longName != null ? longName : ustarName();
                    String link = longLink != null ? longLink : field(157, 100);
                    if (paxSize >= 0) {
                        size = paxSize;
                    }
                    Kind kind = switch (type) {
                        case '0', '\0', '7' -> Kind.FILE;
                        case '5' -> Kind.DIRECTORY;
                        case '2' -> Kind.SYMLINK;
                        default -> throw new IOException("tar entry " + name + ": unsupported type '" + type + "'");
                    };
                    if (kind != Kind.FILE) {
                        size = 0;
                    }
                    remaining = size;
                    padding = (BLOCK - size % BLOCK) % BLOCK;
                    return new Entry(clean(name), kind, (int) number(100, 8), Instant.ofEpochSecond(number(136, 12)), size,
                            kind == Kind.SYMLINK ? link : null);
                }
            }
        }
    }

    /** The content of the entry {@link #next()} returned last; ends at its size; closing it does nothing. */
    public InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("tar stream ends inside an entry (" + remaining + " bytes missing)");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private void skipRest() throws IOException {
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
    }

    private void skip(long n) throws IOException {
        byte[] buf = new byte[8192];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new EOFException("tar stream ends inside an entry");
            }
            n -= r;
        }
    }

    /** Reads one header; false at the end-of-archive marker (a zero block) or a clean end of stream. */
    private boolean readHeader() throws IOException {
        int got = in.readNBytes(header, 0, BLOCK);
        if (got == 0) {
            return false;
        }
        if (got < BLOCK) {
            throw new EOFException("tar stream ends inside a header");
        }
        for (byte b : header) {
            if (b != 0) {
                verifyChecksum();
                return true;
            }
        }
        return false;
    }

    private void verifyChecksum() throws IOException {
        long expected = number(148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
        }
        if (sum != expected) {
            throw new IOException("tar header checksum mismatch (not a tar stream, or damaged)");
        }
    }

    private byte[] readSmall(long size) throws IOException {
        if (size > 1 << 20) {
            throw new IOException("tar extension header of " + size + " bytes is too large");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
            throw new EOFException("tar stream ends inside an extension header");
        }
        skip((BLOCK - size % BLOCK) % BLOCK);
        return data;
    }

    private String ustarName() {
        String name = field(0, 100);
        boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r';
        String prefix = ustar ? field(345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private String field(int off, int len) {
        int end = off;
        while (end < off + len && header[end] != 0) {
            end++;
        }
        return new String(header, off, end - off, StandardCharsets.UTF_8);
    }

    /** An octal field, or a base-256 one (high bit of the first byte set) for large values. */
    private long number(int off, int len) throws IOException {
        if ((header[off] & 0x80) != 0) {
            long v = header[off] & 0x7f;
            for (int i = off + 1; i < off + len; i++) {
                v = (v << 8) | (header[i] & 0xff);
            }
            return v;
        }
        int i = off;
        while (i < off + len && header[i] == ' ') {
            i++;
        }
        long v = 0;
        for (; i < off + len && header[i] != 0 && header[i] != ' '; i++) {
            byte b = header[i];
            if (b < '0' || b > '7') {
                throw new IOException("tar header: bad octal digit in field at offset " + off);
            }
            v = (v << 3) + (b - '0');
        }
        return v;
    }

    private static String cString(byte[] data) {
        int end = 0;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, 0, end, StandardCharsets.UTF_8);
    }

    private static String clean(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        while (n.endsWith("/")) {
            n = n.substring(0, n.length() - 1);
        }
        return n;
    }
}
