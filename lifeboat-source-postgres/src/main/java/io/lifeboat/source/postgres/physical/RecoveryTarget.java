package io.lifeboat.source.postgres.physical;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where point-in-time recovery stops, as PostgreSQL's {@code recovery_target*} settings: at most
 * one of time, LSN, xid, restore point name or {@code immediate}; none replays all archived WAL.
 *
 * @param kind which target, or {@code NONE}
 * @param value the target's value as PostgreSQL takes it (a timestamp with time zone, an LSN,
 *     an xid, a restore point name); null for {@code NONE} and {@code IMMEDIATE}
 * @param inclusive stop just after (true, PostgreSQL's default) or just before the target
 * @param action {@code pause}, {@code promote} or {@code shutdown} once the target is reached
 * @param timeline {@code latest}, {@code current} or a timeline number
 */
public record RecoveryTarget(Kind kind, String value, boolean inclusive, String action, String timeline) {

    public enum Kind { NONE, TIME, LSN, XID, NAME, IMMEDIATE }

    public RecoveryTarget {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.NONE || kind == Kind.IMMEDIATE) != (value == null)) {
            throw new IllegalArgumentException("recovery target " + kind + (value == null ? " needs a value" : " takes no value"));
        }
        if (!List.of("pause", "promote", "shutdown").contains(action)) {
            throw new IllegalArgumentException("recovery target action must be pause, promote or shutdown: " + action);
        }
        if (!timeline.matches("latest|current|[0-9]+")) {
            throw new IllegalArgumentException("recovery target timeline must be latest, current or a number: " + timeline);
        }
        if (kind == Kind.LSN) {
            Lsn.parse(value);
        }
        if (kind == Kind.XID && !value.matches("[0-9]+")) {
            throw new IllegalArgumentException("recovery target xid must be a number: " + value);
        }
    }

    /** Replay everything archived, then promote. */
    public static RecoveryTarget latest() {
        return new RecoveryTarget(Kind.NONE, null, true, "promote", "latest");
    }

    /**
     * The lines for {@code postgresql.auto.conf}: {@code restore_command} and the target settings.
     *
     * @param restoreCommand the shell command PostgreSQL runs to fetch a WAL file ({@code %f}, {@code %p})
     */
    public List<String> settings(String restoreCommand) {
        List<String> out = new ArrayList<>();
        out.add("restore_command = " + quote(restoreCommand));
        switch (kind) {
            case NONE -> { }
            case TIME -> out.add("recovery_target_time = " + quote(value));
            case LSN -> out.add("recovery_target_lsn = " + quote(value));
            case XID -> out.add("recovery_target_xid = " + quote(value));
            case NAME -> out.add("recovery_target_name = " + quote(value));
            case IMMEDIATE -> out.add("recovery_target = 'immediate'");
        }
        if (kind != Kind.NONE) {
            if (kind != Kind.IMMEDIATE) {
                out.add("recovery_target_inclusive = " + (inclusive ? "on" : "off"));
            }
            out.add("recovery_target_action = " + quote(action));
        }
        out.add("recovery_target_timeline = " + quote(timeline));
        return out;
    }

    /** A configuration-file string literal: single quotes, embedded ones doubled. */
    static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
