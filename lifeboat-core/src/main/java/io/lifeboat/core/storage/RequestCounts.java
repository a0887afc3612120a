package io.lifeboat.core.storage;

/**
 * How many requests a storage sent to its server, by the classes object stores bill by: PUT
 * (uploads, including each part of a multipart upload and its start and completion), GET, LIST
 * (each page of a listing), DELETE and HEAD. Every attempt counts, also a failed one: the server
 * bills it too.
 */
public record RequestCounts(long put, long get, long list, long delete, long head) {
    public static final RequestCounts ZERO = new RequestCounts(0, 0, 0, 0, 0);

    public RequestCounts {
        if (put < 0 || get < 0 || list < 0 || delete < 0 || head < 0) {
            throw new IllegalArgumentException("request counts cannot be negative");
        }
    }

    public long total() {
        return put + get + list + delete + head;
    }

    /** The requests sent since {@code earlier} was taken from the same storage. */
    public RequestCounts since(RequestCounts earlier) {
        return new RequestCounts(put - earlier.put, get - earlier.get, list - earlier.list, delete - earlier.delete,
                head - earlier.head);
    }

    public RequestCounts plus(RequestCounts other) {
        return new RequestCounts(put + other.put, get + other.get, list + other.list, delete + other.delete,
                head + other.head);
    }
}
