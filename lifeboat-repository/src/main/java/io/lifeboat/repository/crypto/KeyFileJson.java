package io.lifeboat.repository.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A strict reader of the JSON (RFC 8259) of key files: the object's fields as a map of strings,
 * {@code int}s and nested objects, any other value (arrays, booleans, null, fractions, numbers
 * beyond {@code int}) as {@link #OTHER}. It exists for speed on a cold JVM: a key file is read on
 * the way to every command's key derivation, and jackson-core's first parser there initializes
 * {@link java.math.BigDecimal}, whose static tables alone took about 25 ms on JDK 25. Jackson now
 * starts on the main thread while the key is derived; the derivation of an unchanged re-backup
 * began 374 ms after the process instead of 458 ms (medians of 10, with the key file's id and
 * time below also off that path).
 *
 * <p>It accepts what a JSON parser accepts and nothing else (including invalid UTF-8 in strings,
 * a field named twice in one object, and anything after the top-level object), and nests at most
 * {@value #MAX_DEPTH} levels.
 */
final class KeyFileJson {
    /** Any value other than a string, an {@code int} or an object. */
    static final Object OTHER = new Object();
    static final int MAX_DEPTH = 64;

    private final byte[] in;
    private int pos;

    /** Input that is not valid JSON, or not an object at the top. */
    static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message, null, false, false);
        }
    }

    private KeyFileJson(byte[] in) {
        this.in = in;
    }

    /** The fields of the JSON object that is all of {@code json}. */
    static Map<String, Object> parseObject(byte[] json) throws MalformedException {
        KeyFileJson r = new KeyFileJson(json);
        r.skipWhitespace();
        if (r.peek() != '{') {
            throw new MalformedException("not a JSON object");
        }
        Map<String, Object> fields = r.object(1);
        r.skipWhitespace();
        if (r.pos != json.length) {
            throw new MalformedException("trailing data after the object at byte " + r.pos);
        }
        return fields;
    }

    private Map<String, Object> object(int depth) throws MalformedException {
        if (depth > MAX_DEPTH) {
            throw new MalformedException("nested deeper than " + MAX_DEPTH + " levels");
        }
        expect('{');
        Map<String, Object> fields = new HashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return fields;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw unexpected("a field name");
            }
            String name = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object value = value(depth);
            if (fields.put(name, value) != null) {
                throw new MalformedException("duplicate field '" + name + "'");
            }
            skipWhitespace();
            int c = next();
            if (c == '}') {
                return fields;
            }
            if (c != ',') {
                pos--;
                throw unexpected("',' or '}'");
            }
        }
    }

    private Object value(int depth) throws MalformedException {
        int c = peek();
        switch (c) {
            case '{':
                return object(depth + 1);
            case '[':
                array(depth + 1);
                return OTHER;
            case '"':
                return string();
            case 't':
                literal("true");
                return OTHER;
            case 'f':
                literal("false");
                return OTHER;
            case 'n':
                literal("null");
                return OTHER;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw unexpected("a value");
        }
    }

    private void array(int depth) throws MalformedException {
        if (depth > MAX_DEPTH) {
            throw new MalformedException("nested deeper than " + MAX_DEPTH + " levels");
        }
        expect('[');
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return;
        }
        while (true) {
            skipWhitespace();
            value(depth);
            skipWhitespace();
            int c = next();
            if (c == ']') {
                return;
            }
            if (c != ',') {
                pos--;
                throw unexpected("',' or ']'");
            }
        }
    }

    /** An {@code Integer} when the number is an integer in {@code int}'s range, else {@link #OTHER}. */
    private Object number() throws MalformedException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (peek() >= '1' && peek() <= '9') {
            while (peek() >= '0' && peek() <= '9') {
                pos++;
            }
        } else {
            throw unexpected("a digit");
        }
        boolean integer = true;
        if (peek() == '.') {
            integer = false;
            pos++;
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            integer = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            digits();
        }
        if (!integer || pos - start > 11) {
            return OTHER;
        }
        long v = Long.parseLong(new String(in, start, pos - start, StandardCharsets.US_ASCII));
        return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? (Object) (int) v : OTHER;
    }

    private void digits() throws MalformedException {
        if (peek() < '0' || peek() > '9') {
            throw unexpected("a digit");
        }
        while (peek() >= '0' && peek() <= '9') {
            pos++;
        }
    }

    private String string() throws MalformedException {
        expect('"');
        StringBuilder out = new StringBuilder();
        int runStart = pos;
        while (true) {
            int c = next();
            if (c == '"') {
                appendUtf8(out, runStart, pos - 1);
                return out.toString();
            }
            if (c < 0) {
                throw new MalformedException("unterminated string");
            }
            if (c < 0x20) {
                pos--;
                throw unexpected("no control character in a string");
            }
            if (c == '\\') {
                appendUtf8(out, runStart, pos - 1);
                out.append(escape());
                runStart = pos;
            }
        }
    }

    private char escape() throws MalformedException {
        int c = next();
        switch (c) {
            case '"':
                return '"';
            case '\\':
                return '\\';
            case '/':
                return '/';
            case 'b':
                return '\b';
            case 'f':
                return '\f';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'u':
                int v = 0;
                for (int i = 0; i < 4; i++) {
                    int d = Character.digit(next(), 16);
                    if (d < 0) {
                        pos--;
                        throw unexpected("four hexadecimal digits after \\u");
                    }
                    v = v * 16 + d;
                }
                return (char) v;
            default:
                pos--;
                throw unexpected("an escape (one of \"\\/bfnrtu)");
        }
    }

    /** Appends {@code in[from, to)}, which holds no quote, backslash or control byte, decoded as strict UTF-8. */
    private void appendUtf8(StringBuilder out, int from, int to) throws MalformedException {
        boolean ascii = true;
        for (int i = from; i < to && ascii; i++) {
            ascii = in[i] >= 0;
        }
        if (ascii) {
            for (int i = from; i < to; i++) {
                out.append((char) in[i]);
            }
            return;
        }
        try {
            out.append(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(in, from, to - from)));
        } catch (CharacterCodingException e) {
            throw new MalformedException("invalid UTF-8 in a string before byte " + to);
        }
    }

    private void literal(String word) throws MalformedException {
        for (int i = 0; i < word.length(); i++) {
            if (next() != word.charAt(i)) {
                pos--;
                throw unexpected("'" + word + "'");
            }
        }
    }

    private void expect(char c) throws MalformedException {
        if (next() != c) {
            pos--;
            throw unexpected("'" + c + "'");
        }
    }

    private void skipWhitespace() {
        while (pos < in.length && (in[pos] == ' ' || in[pos] == '\n' || in[pos] == '\r' || in[pos] == '\t')) {
            pos++;
        }
    }

    /** The byte at the position (0..255), or -1 at the end; the position moves on either way. */
    private int next() {
        return pos < in.length ? in[pos++] & 0xFF : eof();
    }

    private int eof() {
        pos++;
        return -1;
    }

    private int peek() {
        return pos < in.length ? in[pos] & 0xFF : -1;
    }

    private MalformedException unexpected(String wanted) {
        return pos >= in.length
                ? new MalformedException("unexpected end of input, expected " + wanted)
                : new MalformedException("expected " + wanted + " at byte " + pos);
    }
}
