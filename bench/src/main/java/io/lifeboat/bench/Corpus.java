package io.lifeboat.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Deterministic benchmark inputs. {@link #text} imitates what backups mostly hold (application
 * logs, JSON documents, CSV dumps): words from a Zipf-like vocabulary mixed with ids, numbers and
 * timestamps that do not repeat, and base64 lines (embedded binaries, keys), so that zstd level 3
 * compresses it to about half rather than to nothing.
 */
public final class Corpus {
    private static final String LETTERS = "etaoinshrdlcumwfgypbvkjxqz";

    private final SplittableRandom random;
    private final String[] vocabulary;

    private Corpus(long seed) {
        this.random = new SplittableRandom(seed);
        this.vocabulary = new String[4096];
        for (int i = 0; i < vocabulary.length; i++) {
            vocabulary[i] = word(3 + random.nextInt(8));
        }
    }

    public static byte[] text(long seed, int size) {
        return new Corpus(seed).fillText(size);
    }

    /**
     * Rows as {@code pg_dump} writes a RAG chunks table (bench/make-rag-db.sh): ids, a sentence of
     * text, 768 random float4 values in PostgreSQL's shortest text form, a token count. Most of
     * the bytes are the digits of the embeddings.
     */
    public static byte[] embeddings(long seed, int size) {
        return new Corpus(seed).fillEmbeddings(size);
    }

    public static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < size; i += 8) {
            long v = r.nextLong();
            for (int k = 0; k < 8 && i + k < size; k++) {
                b[i + k] = (byte) (v >>> (8 * k));
            }
        }
        return b;
    }

    private byte[] fillText(int size) {
        StringBuilder sb = new StringBuilder(size + 1024);
        long millis = 1_740_000_000_000L;
        while (sb.length() < size) {
            millis += random.nextInt(2000);
            switch (random.nextInt(4)) {
                case 0 -> logLine(sb, millis);
                case 1 -> jsonDocument(sb, millis);
                case 2 -> csvRow(sb);
                default -> sb.append(token()).append(token()).append(token()).append('\n');
            }
        }
        byte[] all = sb.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[size];
        System.arraycopy(all, 0, out, 0, size);
        return out;
    }

    private byte[] fillEmbeddings(int size) {
        StringBuilder sb = new StringBuilder(size + 16384);
        for (int row = 1; sb.length() < size; row++) {
            sb.append(row).append('\t').append(1 + row / 5).append('\t').append(row % 5).append('\t');
            for (int w = 20 + random.nextInt(60); w > 0; w--) {
                sb.append(common()).append(' ');
            }
            sb.append("\t{");
            for (int i = 0; i < 768; i++) {
                sb.append(i == 0 ? "" : ",").append((float) (random.nextDouble() * 2 - 1));
            }
            sb.append("}\t").append(50 + random.nextInt(400)).append('\n');
        }
        byte[] all = sb.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[size];
        System.arraycopy(all, 0, out, 0, size);
        return out;
    }

    private void logLine(StringBuilder sb, long millis) {
        sb.append(Instant.ofEpochMilli(millis)).append(' ')
                .append(random.nextInt(20) == 0 ? "WARN " : "INFO ")
                .append("[worker-").append(random.nextInt(16)).append("] io.app.").append(common()).append('.')
                .append(common()).append(" - ").append(common()).append(' ').append(common())
                .append(" trace=").append(Long.toHexString(random.nextLong())).append(Long.toHexString(random.nextLong()))
                .append(" bytes=").append(random.nextInt(1 << 20))
                .append(" elapsed=").append(random.nextInt(500)).append("ms\n");
    }

    private void jsonDocument(StringBuilder sb, long millis) {
        sb.append("{\"id\":").append(random.nextInt(10_000_000))
                .append(",\"uuid\":\"").append(new UUID(random.nextLong(), random.nextLong())).append('"')
                .append(",\"user\":\"").append(common()).append('.').append(rare()).append('"')
                .append(",\"created\":").append(millis)
                .append(",\"score\":").append(random.nextInt(10_000) / 10_000.0)
                .append(",\"tags\":[\"").append(common()).append("\",\"").append(common()).append("\"]")
                .append(",\"session\":\"").append(token()).append('"')
                .append(",\"text\":\"");
        for (int n = 3 + random.nextInt(10); n > 0; n--) {
            sb.append(random.nextInt(4) == 0 ? rare() : common()).append(' ');
        }
        sb.append("\"}\n");
    }

    private void csvRow(StringBuilder sb) {
        sb.append(random.nextInt(1_000_000)).append(',').append(rare()).append(',').append(common()).append(',')
                .append(random.nextInt(100_000) / 100.0).append(',')
                .append(Integer.toHexString(random.nextInt())).append(',').append(random.nextBoolean()).append('\n');
    }

    /** 18 random bytes in base64: a session token or a hash, as JSON documents often carry. */
    private String token() {
        byte[] raw = new byte[18];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().encodeToString(raw);
    }

    /** Skewed towards the first words, like natural text. */
    private String common() {
        int r = random.nextInt(vocabulary.length);
        return vocabulary[(int) ((long) r * r / vocabulary.length)];
    }

    private String rare() {
        return vocabulary[random.nextInt(vocabulary.length)];
    }

    private String word(int length) {
        StringBuilder w = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int r = random.nextInt(LETTERS.length());
            w.append(LETTERS.charAt(r * r / LETTERS.length()));
        }
        return w.toString();
    }
}
