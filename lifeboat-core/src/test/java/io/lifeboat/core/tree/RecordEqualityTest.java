package io.lifeboat.core.tree;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.core.id.BlobId;
import io.lifeboat.core.storage.Handle;
import io.lifeboat.core.storage.ObjectKind;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Node, Tree and Handle write equals and hashCode out (a record's own cost start-up time): every
 * component must take part, so a component added later without them fails here.
 */
class RecordEqualityTest {
    private static final BlobId A = BlobId.of(filled(1));
    private static final BlobId B = BlobId.of(filled(2));

    @Test
    void nodesDifferInEveryComponent() throws Exception {
        Object[] base = {"a", NodeType.SYMLINK, 0644, 1000L, 1001L, Instant.parse("2026-12-02T10:11:12.5Z"), 7L, 8L, 9L,
                "target", List.of(A), B};
        assertEveryComponentMatters(Node.class, base);
    }

    @Test
    void treesAndHandlesCompareByValue() throws Exception {
        Node n = new Node("a", NodeType.FILE, 0644, 0, 0, Instant.EPOCH, 1, 2, 3, null, List.of(A), null);
        assertEveryComponentMatters(Tree.class, new Object[] {List.of(n)});
        assertEveryComponentMatters(Handle.class, new Object[] {ObjectKind.SNAPSHOT, "abc"});
        assertThat(new Tree(List.of(n, renamed(n, "b")))).isEqualTo(new Tree(List.of(renamed(n, "b"), n)));
    }

    /** Equal copies are equal with one hash; a copy with any one component changed is not equal. */
    private static <R extends Record> void assertEveryComponentMatters(Class<R> type, Object[] base) throws Exception {
        RecordComponent[] components = type.getRecordComponents();
        assertThat(components).hasSameSizeAs(base);
        Constructor<R> canonical = type.getDeclaredConstructor(
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
        R original = canonical.newInstance(base);
        R copy = canonical.newInstance(base.clone());
        assertThat(copy).isEqualTo(original).hasSameHashCodeAs(original);
        assertThat(original).isNotEqualTo(null).isNotEqualTo("a string");
        for (int i = 0; i < base.length; i++) {
            Object[] changed = base.clone();
            changed[i] = other(base[i]);
            R different = canonical.newInstance(changed);
            assertThat(different).as(components[i].getName()).isNotEqualTo(original);
            assertThat(original).as(components[i].getName()).isNotEqualTo(different);
        }
    }

    private static Object other(Object v) {
        return switch (v) {
            case String s -> s + "x";
            case Integer i -> i + 1;
            case Long l -> l + 1;
            case Instant t -> t.plusNanos(1);
            case NodeType t -> t == NodeType.FILE ? NodeType.SYMLINK : NodeType.FILE;
            case ObjectKind k -> k == ObjectKind.SNAPSHOT ? ObjectKind.INDEX : ObjectKind.SNAPSHOT;
            case BlobId id -> id.equals(A) ? B : A;
            case List<?> list when !list.isEmpty() && list.getFirst() instanceof Node n -> List.of(renamed(n, "other"));
            case List<?> list -> List.of(B, A);
            default -> throw new IllegalArgumentException("no other value for " + v);
        };
    }

    private static Node renamed(Node n, String name) {
        return new Node(name, n.type(), n.mode(), n.uid(), n.gid(), n.mtime(), n.size(), n.inode(), n.device(),
                n.linkTarget(), n.content(), n.subtree());
    }

    private static byte[] filled(int b) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) b);
        return bytes;
    }
}
