package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.engine.retention.Holds;
import io.lifeboat.repository.Repository;
import io.lifeboat.repository.hold.Hold;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lifeboat hold SNAPSHOT [--reason TEXT] [--until DATE]}: places a legal hold. */
@Command(name = "hold", description = {
        "Place a legal hold on a snapshot: forget never removes it, by rule or by name, until the hold is "
                + "released ('lifeboat release') or its --until passes. Holding a held snapshot again replaces "
                + "the reason and the end."})
final class HoldCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    GlobalOptions options;

    @Parameters(paramLabel = "SNAPSHOT", description = "Snapshot id, unique prefix, or 'latest'.")
    String snapshot;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why it is held (a ticket, a case); shown by 'lifeboat holds' and in refusals.")
    String reason = "";

    @Option(names = "--until", paramLabel = "DATE", description = "End of the hold: a date (2027-01-31: held through that day, system time zone) or an instant (2027-01-31T18:00:00Z). Default: until released.")
    String until;

    HoldCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        Instant end = until == null ? null : parseUntil(until, ctx.client.clock().getZone());
        Hold h;
        try (Repository repo = ctx.open(options)) {
            h = new Holds(repo).place(snapshot, reason, end);
        }
        if (options.json) {
            Output.json(ctx.out, HoldJson.of(h, true, true));
        } else {
            ctx.out.println("snapshot " + h.snapshot().shortHex() + " is now held"
                    + (h.until() == null ? " until released" : " until " + h.until())
                    + (h.reason().isEmpty() ? "" : " (reason: " + h.reason() + ")"));
        }
        return 0;
    }

    /** A date holds through that whole day in {@code zone}; a date-time or instant is the exact end. */
    static Instant parseUntil(String text, ZoneId zone) {
        String t = text.trim();
        try {
            if (t.length() == 10) {
                return LocalDate.parse(t).plusDays(1).atStartOfDay(zone).toInstant();
            }
            if (t.endsWith("Z")) {
                return Instant.parse(t);
            }
            if (t.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return OffsetDateTime.parse(t).toInstant();
            }
            return LocalDateTime.parse(t).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new LifeboatException(ErrorCode.USAGE, "--until: cannot read date '" + text + "'",
                    "write a date such as 2027-01-31 (held through that day) or a time such as 2027-01-31T18:00:00Z", e);
        }
    }
}
