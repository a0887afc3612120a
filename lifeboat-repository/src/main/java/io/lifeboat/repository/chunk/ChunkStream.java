package io.lifeboat.repository.chunk;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The chunks of one input stream, in order. Memory stays bounded: the buffer starts small (so
 * that small files cost little) and grows to at most twice the maximum chunk size. Not thread
 * safe. Closing closes the underlying stream.
 */
public final class ChunkStream implements AutoCloseable {
    private static final int INITIAL_BUFFER = 64 * 1024;

    private final Chunker chunker;
    private final InputStream in;
    private final int max;
    private final int capacity;
    private byte[] buf;
    private int start;
    private int end;
    private boolean eof;
    private long position;

    ChunkStream(Chunker chunker, InputStream in) {
        this.chunker = chunker;
        this.in = in;
        this.max = chunker.profile().max();
        this.capacity = (int) Math.min(2L * max, Integer.MAX_VALUE - 16);
        this.buf = new byte[Math.min(INITIAL_BUFFER, capacity)];
    }

    /** The next chunk, a fresh array of exactly its length, or {@code null} at the end. */
    public byte[] next() throws IOException {
        fill();
        if (start == end) {
            return null;
        }
        int n = chunker.cut(buf, start, end - start);
        byte[] chunk = Arrays.copyOfRange(buf, start, start + n);
        start += n;
        position += n;
        return chunk;
    }

    /** The stream offset at which the next chunk starts (the bytes returned so far). */
    public long position() {
        return position;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Reads until a whole maximum-size chunk is buffered or the stream ends. */
    private void fill() throws IOException {
        while (!eof && end - start < max) {
            if (end == buf.length) {
                makeRoom();
            }
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                eof = true;
            } else {
                end += n;
            }
        }
    }

    /** Grows the buffer while below capacity, then slides the unread bytes to the front. */
    private void makeRoom() {
        int unread = end - start;
        byte[] target = buf.length < capacity ? new byte[(int) Math.min(2L * buf.length, capacity)] : buf;
        System.arraycopy(buf, start, target, 0, unread);
        buf = target;
        start = 0;
        end = unread;
    }
}
