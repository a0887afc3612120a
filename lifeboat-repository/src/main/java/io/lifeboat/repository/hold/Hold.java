package io.lifeboat.repository.hold;

import io.lifeboat.core.id.SnapshotId;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * The content of a {@code holds/<snapshot id>} object.
 *
 * @param snapshot the held snapshot; also the object's name
 * @param reason why it is held (a ticket, a case number), shown in listings and refusals
 * @param until when the hold lapses, or {@code null} for a hold that lasts until released
 * @param time when the hold was placed
 * @param host the host it was placed from
 * @param username who placed it
 */
public record Hold(SnapshotId snapshot, String reason, Instant until, Instant time, String host, String username) {
    public Hold {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(time, "time");
        reason = reason == null ? "" : reason;
    }

    public Optional<Instant> lapsesAt() {
        return Optional.ofNullable(until);
    }

    /** Whether the hold protects its snapshot at {@code now}: it has no end, or the end is still ahead. */
    public boolean activeAt(Instant now) {
        return until == null || now.isBefore(until);
    }

    /** One line for messages: who placed it, when, why and until when. */
    public String describe() {
        return "held since " + time.truncatedTo(ChronoUnit.SECONDS) + " by " + username + "@" + host
                + (reason.isEmpty() ? "" : " (reason: " + reason + ")")
                + (until == null ? ", until released" : ", until " + until);
    }
}
