package io.lifeboat.core.storage;

import java.util.Objects;

/**
 * Names one object in a storage namespace. The name is validated so that adapters can map it to
 * a path or key without escaping: lower-case letters, digits, '-', '_', '.', and '/' only for
 * {@link ObjectKind#WAL} names, never "..", never empty.
 */
public record Handle(ObjectKind kind, String name) {
    public static final Handle CONFIG = new Handle(ObjectKind.CONFIG, "config");

    public Handle {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > 200) {
            throw new IllegalArgumentException("invalid object name length: " + name.length());
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || (c == '/' && kind == ObjectKind.WAL);
            if (!ok) {
                throw new IllegalArgumentException("invalid character in object name: " + name);
            }
        }
        // Empty segments ("/a", "a//b") are rejected because a file system would map them to the
        // same path as "a" and "a/b": two handles must never name one stored object.
        if (name.startsWith(".") || name.contains("..") || name.contains("/.") || name.endsWith("/")
                || name.startsWith("/") || name.contains("//")) {
            throw new IllegalArgumentException("invalid object name: " + name);
        }
        if (kind == ObjectKind.CONFIG && !name.equals("config")) {
            throw new IllegalArgumentException("the config object is always named 'config'");
        }
    }

    public static Handle of(ObjectKind kind, String name) {
        return new Handle(kind, name);
    }

    /**
     * The object's path relative to the repository root, with '/' separators. Data objects are
     * fanned out by the first two characters of their name: {@code data/3f/3fa2…}.
     */
    public String path() {
        return switch (kind) {
            case CONFIG -> "config";
            case DATA -> kind.folder() + "/" + name.substring(0, Math.min(2, name.length())) + "/" + name;
            case KEY, INDEX, SNAPSHOT, LOCK, WAL, HOLD -> kind.folder() + "/" + name;
        };
    }

    // equals and hashCode written out: a record's own are linked through invokedynamic on first
    // use, which the start-up cache does not keep; that took about 11 ms of each command's main
    // thread (the first lock check compares handles).
    @Override
    public boolean equals(Object o) {
        return o instanceof Handle h && kind == h.kind && name.equals(h.name);
    }

    @Override
    public int hashCode() {
        return 31 * kind.hashCode() + name.hashCode();
    }

    @Override
    public String toString() {
        return path();
    }
}
