package io.lifeboat.engine.retention;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Forget} should do: apply {@code policy} to each group, or, when {@code snapshots}
 * names some, forget exactly those (ids, unique prefixes or {@code latest}). Never both, and never
 * neither: a policy without rules is refused.
 *
 * @param dryRun decide and report, but delete nothing and take no lock
 */
public record ForgetOptions(RetentionPolicy policy, GroupBy groupBy, boolean dryRun, List<String> snapshots) {
    public ForgetOptions {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(groupBy, "groupBy");
        snapshots = List.copyOf(snapshots);
        if (!snapshots.isEmpty() && !policy.isEmpty()) {
            throw new LifeboatException(ErrorCode.USAGE, "forget got both snapshot ids and --keep-… rules",
                    "either name the snapshots to forget, or give the rules that choose them, not both");
        }
        if (snapshots.isEmpty()) {
            policy.requireRules();
        }
    }

    public static ForgetOptions byPolicy(RetentionPolicy policy, GroupBy groupBy, boolean dryRun) {
        return new ForgetOptions(policy, groupBy, dryRun, List.of());
    }

    public static ForgetOptions named(List<String> snapshots, GroupBy groupBy, boolean dryRun) {
        return new ForgetOptions(RetentionPolicy.NONE, groupBy, dryRun, snapshots);
    }
}
