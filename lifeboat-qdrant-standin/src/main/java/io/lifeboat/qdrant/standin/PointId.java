package io.lifeboat.qdrant.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.UUID;

/** A point id as Qdrant has them: an unsigned 64-bit number or a UUID. Numbers sort before UUIDs. */
public sealed interface PointId extends Comparable<PointId> {
    record Num(long value) implements PointId {
        public Num {
            if (value < 0) {
                throw new IllegalArgumentException("point ids are unsigned: " + value);
            }
        }

        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    record Uuid(UUID value) implements PointId {
        @Override
        public String toString() {
            return value.toString();
        }
    }

    static PointId of(long value) {
        return new Num(value);
    }

    static PointId of(UUID value) {
        return new Uuid(value);
    }

    /** Parses a JSON id: a non-negative integer or a UUID string. */
    static PointId parse(JsonNode node) {
        if (node != null && node.isIntegralNumber() && node.canConvertToLong() && node.asLong() >= 0) {
            return new Num(node.asLong());
        }
        if (node != null && node.isTextual()) {
            try {
                return new Uuid(UUID.fromString(node.asText()));
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("Unable to parse UUID: " + node.asText());
            }
        }
        throw ApiError.badRequest("Format error in JSON body: value " + node + " is not a valid point ID, "
                + "valid values are either an unsigned integer or a UUID");
    }

    /** The JSON form: a number or a string. */
    default JsonNode json() {
        return switch (this) {
            case Num n -> JsonNodeFactory.instance.numberNode(n.value());
            case Uuid u -> JsonNodeFactory.instance.textNode(u.value().toString());
        };
    }

    @Override
    default int compareTo(PointId o) {
        return switch (this) {
            case Num a -> o instanceof Num b ? Long.compare(a.value(), b.value()) : -1;
            case Uuid a -> o instanceof Uuid b ? a.value().toString().compareTo(b.value().toString()) : 1;
        };
    }
}
