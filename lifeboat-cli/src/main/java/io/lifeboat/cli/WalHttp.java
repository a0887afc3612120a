package io.lifeboat.cli;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The minimal HTTP/1.1 the daemon's WAL socket speaks, enough for {@code curl --unix-socket}: one
 * request per connection ({@code Connection: close}), a body only with {@code Content-Length}
 * (no chunked transfer), {@code Expect: 100-continue} answered before the body is read. Header
 * lines are limited to {@value #MAX_LINE} bytes and {@value #MAX_HEADERS} lines, so a client
 * cannot make the daemon buffer unbounded input before the body.
 */
final class WalHttp {
    static final int MAX_LINE = 8192;
    static final int MAX_HEADERS = 100;

    private WalHttp() {}

    /** A request line and its headers (names in lower case). */
    record Head(String method, String target, Map<String, String> headers) {
        /** The declared body length; empty when absent. @throws BadRequest when it is not a number */
        OptionalLong contentLength() throws BadRequest {
            String v = headers.get("content-length");
            if (v == null) {
                return OptionalLong.empty();
            }
            try {
                long n = Long.parseLong(v.trim());
                if (n < 0) {
                    throw new BadRequest("negative Content-Length " + v);
                }
                return OptionalLong.of(n);
            } catch (NumberFormatException e) {
                throw new BadRequest("Content-Length '" + v + "' is not a number");
            }
        }

        boolean expectsContinue() {
            return "100-continue".equalsIgnoreCase(headers.getOrDefault("expect", "").trim());
        }

        boolean chunked() {
            return headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked");
        }
    }

    /** A request that does not follow the protocol; answered with 400. */
    static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message);
        }
    }

    /**
     * Reads the request line and headers.
     *
     * @return null when the connection closed before a request began
     * @throws EOFException when it closed in the middle of the head
     */
    static Head readHead(InputStream in) throws IOException, BadRequest {
        String requestLine = readLine(in, true);
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            throw new BadRequest("not an HTTP/1.x request line: " + requestLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; ; i++) {
            String line = readLine(in, false);
            if (line.isEmpty()) {
                break;
            }
            if (i >= MAX_HEADERS) {
                throw new BadRequest("more than " + MAX_HEADERS + " header lines");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new BadRequest("malformed header line: " + line);
            }
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Head(parts[0], parts[1], headers);
    }

    /** Reads exactly {@code length} bytes. @throws EOFException naming how many arrived when the peer closes early */
    static byte[] readBody(InputStream in, int length) throws IOException {
        byte[] body = new byte[length];
        int off = 0;
        while (off < length) {
            int n = in.read(body, off, length - off);
            if (n < 0) {
                throw new EOFException(off + " of " + length + " bytes");
            }
            off += n;
        }
        return body;
    }

    static void sendContinue(OutputStream out) throws IOException {
        out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Writes a complete response with a text body and closes the exchange ({@code Connection: close}). */
    static void respond(OutputStream out, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + b.length + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
    }

    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 422 -> "Unprocessable Content";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }

    /** One CRLF- (or LF-) terminated line; null at a clean end of stream when {@code eofAllowed}. */
    private static String readLine(InputStream in, boolean eofAllowed) throws IOException, BadRequest {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (eofAllowed && line.size() == 0) {
                    return null;
                }
                throw new EOFException("connection closed in the request head");
            }
            if (c == '\n') {
                break;
            }
            if (line.size() >= MAX_LINE) {
                throw new BadRequest("request head line longer than " + MAX_LINE + " bytes");
            }
            line.write(c);
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
