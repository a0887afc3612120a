package io.lifeboat.core.id;

import java.util.HexFormat;

/** Lower-case hex codec for ids. */
public final class Hex {
    private static final HexFormat FORMAT = HexFormat.of();

    private Hex() {}

    public static String encode(byte[] bytes) {
        return FORMAT.formatHex(bytes);
    }

    public static byte[] decode(String hex) {
        return FORMAT.parseHex(hex);
    }

    public static boolean isHex(String s, int bytes) {
        if (s == null || s.length() != bytes * 2) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
