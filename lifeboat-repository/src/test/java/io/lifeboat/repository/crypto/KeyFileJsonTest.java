package io.lifeboat.repository.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyFileJsonTest {
    private static final Object OTHER = KeyFileJson.OTHER;

    private static final String KEY_FILE = """
            {
              "version" : 1,
              "kdf" : {
                "algorithm" : "argon2id",
                "memory_kib" : 65536,
                "iterations" : 3,
                "parallelism" : 2
              },
              "salt" : "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=",
              "created" : "2026-12-02T10:11:12.123456789Z",
              "host" : "db1",
              "username" : "postgres",
              "data" : "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7"
            }
            """;

    @Test
    void readsStringsIntsAndNestedObjects() throws Exception {
        Map<String, Object> m = parse(KEY_FILE);
        assertThat(m).containsEntry("version", 1).containsEntry("host", "db1").containsEntry("username", "postgres")
                .containsEntry("created", "2026-12-02T10:11:12.123456789Z");
        assertThat(m.get("kdf")).isEqualTo(Map.of("algorithm", "argon2id", "memory_kib", 65536, "iterations", 3,
                "parallelism", 2));
    }

    @Test
    void everyOtherValueIsOther() throws Exception {
        Map<String, Object> m = parse("{\"a\":[1,[2,{\"x\":3}],\"s\"],\"b\":true,\"c\":false,\"d\":null,\"e\":1.5,"
                + "\"f\":1e3,\"g\":2147483648,\"h\":-2147483649,\"i\":-2147483648,\"j\":-0,\"k\":123456789012345678901}");
        assertThat(m).containsEntry("a", OTHER).containsEntry("b", OTHER).containsEntry("c", OTHER)
                .containsEntry("d", OTHER).containsEntry("e", OTHER).containsEntry("f", OTHER).containsEntry("g", OTHER)
                .containsEntry("h", OTHER).containsEntry("i", Integer.MIN_VALUE).containsEntry("j", 0)
                .containsEntry("k", OTHER);
    }

    @Test
    void decodesEscapesAndUtf8() throws Exception {
        Map<String, Object> m = parse("{\"h\\u00f6st\":\"Z\\u00fcrich \\\"\\\\\\/\\b\\f\\n\\r\\t\",\"u\":\"m\u00fcller \u65e5\u672c \ud83d\ude00\"}");
        assertThat(m).containsEntry("h\u00f6st", "Z\u00fcrich \"\\/\b\f\n\r\t")
                .containsEntry("u", "m\u00fcller \u65e5\u672c \ud83d\ude00");
    }

    @Test
    void rejectsWhatIsNotOneJsonObject() {
        for (String bad : List.of("", " ", "[]", "\"s\"", "1", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}",
                "{\"a\":1 \"b\":2}", "{'a':1}", "{a:1}", "{\"a\":01}", "{\"a\":+1}", "{\"a\":1.}", "{\"a\":.5}",
                "{\"a\":1e}", "{\"a\":-}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":NaN}", "{\"a\":\"x}",
                "{\"a\":\"\\x\"}", "{\"a\":\"\\u12G4\"}", "{\"a\":\"tab\there\"}", "{\"a\":[1,]}", "{\"a\":[1 2]}",
                "{\"a\":1}{}", "{\"a\":1} x", "{\"a\":1,\"a\":2}", "{\"k\":{\"a\":1,\"a\":1}}", "{/*c*/}",
                "{\"a\":1}\u0000")) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(KeyFileJson.MalformedException.class);
        }
        assertThatThrownBy(() -> KeyFileJson.parseObject(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'}))
                .isInstanceOf(KeyFileJson.MalformedException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void limitsNesting() throws Exception {
        String ok = "{\"a\":".repeat(KeyFileJson.MAX_DEPTH - 1) + "{}" + "}".repeat(KeyFileJson.MAX_DEPTH - 1);
        assertThat(parse(ok)).containsKey("a");
        String deep = "{\"a\":".repeat(KeyFileJson.MAX_DEPTH) + "{}" + "}".repeat(KeyFileJson.MAX_DEPTH);
        assertThatThrownBy(() -> parse(deep)).isInstanceOf(KeyFileJson.MalformedException.class)
                .hasMessageContaining("nested");
        String deepArrays = "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertThatThrownBy(() -> parse(deepArrays)).isInstanceOf(KeyFileJson.MalformedException.class);
    }

    /**
     * Differential: on a valid key file and 20,000 mutations of it (bytes replaced, inserted and
     * deleted, with JSON's own characters weighted up), it accepts exactly what jackson-core accepts
     * in strict mode (duplicate fields refused) and reads the same values.
     */
    @Test
    void agreesWithJacksonOnMutationsOfAKeyFile() throws Exception {
        JsonFactory jackson = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        byte[] valid = KEY_FILE.getBytes(StandardCharsets.UTF_8);
        byte[] alphabet = "{}[]\":,\\ \n0123456789-+.eEtrufalsn\u0001\u007f".getBytes(StandardCharsets.ISO_8859_1);
        SplittableRandom random = new SplittableRandom(20261202);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] input = valid.clone();
            for (int m = 1 + random.nextInt(3); m > 0; m--) {
                input = mutate(input, random, alphabet);
            }
            Object expected = viaJackson(jackson, input);
            Object actual;
            try {
                actual = KeyFileJson.parseObject(input);
            } catch (KeyFileJson.MalformedException e) {
                actual = "rejected";
            }
            assertThat(actual).as("input: %s", new String(input, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
            accepted += expected instanceof Map ? 1 : 0;
        }
        assertThat(accepted).as("mutations that stayed valid JSON").isGreaterThan(1_000);
    }

    private static byte[] mutate(byte[] in, SplittableRandom random, byte[] alphabet) {
        int at = random.nextInt(in.length + 1);
        byte b = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
        return switch (random.nextInt(3)) {
            case 0 -> {
                byte[] out = in.clone();
                out[Math.min(at, in.length - 1)] = b;
                yield out;
            }
            case 1 -> {
                byte[] out = new byte[in.length + 1];
                System.arraycopy(in, 0, out, 0, at);
                out[at] = b;
                System.arraycopy(in, at, out, at + 1, in.length - at);
                yield out;
            }
            default -> {
                if (in.length < 2) {
                    yield in;
                }
                int del = Math.min(at, in.length - 1);
                byte[] out = new byte[in.length - 1];
                System.arraycopy(in, 0, out, 0, del);
                System.arraycopy(in, del + 1, out, del, in.length - del - 1);
                yield out;
            }
        };
    }

    /** The reading the key file parser did with jackson-core before, as a map, or "rejected". */
    private static Object viaJackson(JsonFactory factory, byte[] input) {
        try (JsonParser p = factory.createParser(input)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "rejected";
            }
            Map<String, Object> root = fields(p);
            return p.nextToken() == null ? root : "rejected";
        } catch (IOException e) {
            return "rejected";
        }
    }

    private static Map<String, Object> fields(JsonParser p) throws IOException {
        Map<String, Object> fields = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            Object value = switch (p.nextToken()) {
                case VALUE_STRING -> p.getText();
                case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.INT ? (Object) p.getIntValue() : OTHER;
                case START_OBJECT -> fields(p);
                default -> {
                    p.skipChildren();
                    yield OTHER;
                }
            };
            fields.put(field, value);
        }
        return fields;
    }

    private static Map<String, Object> parse(String json) throws KeyFileJson.MalformedException {
        return KeyFileJson.parseObject(json.getBytes(StandardCharsets.UTF_8));
    }
}
