package io.lifeboat.qdrant.standin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A streaming {@code multipart/form-data} reader: part contents are copied to a sink as they
 * arrive, so an upload of any size needs a fixed buffer only.
 */
final class Multipart {
    private static final Pattern BOUNDARY = Pattern.compile("boundary=(?:\"([^\"]+)\"|([^;\\s]+))");
    private static final Pattern PARAM = Pattern.compile(";\\s*([a-zA-Z*]+)=(?:\"([^\"]*)\"|([^;\\s]*))");

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buf;
    private int start;
    private int end;
    private boolean eof;
    private boolean started;

    /** One part's headers: its form field name and file name (either may be null). */
    record Part(String name, String filename, Map<String, String> headers) {}

    private Multipart(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buf = new byte[(1 << 16) + delimiter.length];
        // The body starts with the delimiter without its leading CRLF: pretend it was there.
        buf[0] = '\r';
        buf[1] = '\n';
        end = 2;
    }

    /** A reader for a request with this Content-Type; 400 when it is not multipart with a boundary. */
    static Multipart of(String contentType, InputStream body) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw ApiError.badRequest("Content type error: expected multipart/form-data, got " + contentType);
        }
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            throw ApiError.badRequest("Multipart stream is incomplete: no boundary in the content type");
        }
        return new Multipart(body, m.group(1) != null ? m.group(1) : m.group(2));
    }

    /** Skips the preamble; then the next part, or null after the closing delimiter. */
    Part next() throws IOException {
        if (!started) {
            started = true;
            if (!copyUntilDelimiter(OutputStream.nullOutputStream())) {
                throw ApiError.badRequest("Multipart stream is incomplete");
            }
        }
        ensure(2);
        if (end - start >= 2 && buf[start] == '-' && buf[start + 1] == '-') {
            return null;
        }
        Map<String, String> headers = new HashMap<>();
        String line = line(); // rest of the delimiter line
        while (!(line = line()).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        String name = null;
        String filename = null;
        Matcher p = PARAM.matcher(headers.getOrDefault("content-disposition", ""));
        while (p.find()) {
            String value = p.group(2) != null ? p.group(2) : p.group(3);
            if (p.group(1).equalsIgnoreCase("name")) {
                name = value;
            } else if (p.group(1).equalsIgnoreCase("filename")) {
                filename = value;
            }
        }
        return new Part(name, filename, headers);
    }

    /** Copies the current part's content to {@code sink}; false when the stream ended before the delimiter. */
    boolean copyUntilDelimiter(OutputStream sink) throws IOException {
        while (true) {
            int i = indexOf();
            if (i >= 0) {
                sink.write(buf, start, i - start);
                start = i + delimiter.length;
                return true;
            }
            int safe = end - (delimiter.length - 1);
            if (safe > start) {
                sink.write(buf, start, safe - start);
                start = safe;
            }
            if (eof) {
                return false;
            }
            fill();
        }
    }

    private int indexOf() {
        outer:
        for (int i = start; i <= end - delimiter.length; i++) {
            if (buf[i] != delimiter[0]) {
                continue;
            }
            for (int j = 1; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        int r = in.read(buf, end, buf.length - end);
        if (r < 0) {
            eof = true;
        } else {
            end += r;
        }
    }

    private void ensure(int n) throws IOException {
        while (end - start < n && !eof) {
            fill();
        }
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            ensure(1);
            if (end - start < 1) {
                throw ApiError.badRequest("Multipart stream is incomplete");
            }
            char c = (char) (buf[start++] & 0xff);
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            if (sb.length() > 8192) {
                throw ApiError.badRequest("Multipart part headers are too long");
            }
            sb.append(c);
        }
    }
}
