package io.lifeboat.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast parser gives exactly what {@link Instant#parse} gives, errors included. */
class IsoInstantsTest {

    @Test
    void everyInstantAsWrittenParsesToItself() {
        SplittableRandom random = new SplittableRandom(42);
        List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.ofEpochSecond(-1, 999_999_999),
                Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("2024-02-29T12:00:00.5Z"), Instant.parse("1969-12-31T23:59:59Z")));
        for (int i = 0; i < 200_000; i++) {
            long seconds = random.nextLong(Instant.parse("0000-01-01T00:00:00Z").getEpochSecond(),
                    Instant.parse("9999-12-31T23:59:59Z").getEpochSecond() + 1);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(seconds, nanos));
        }
        for (Instant t : instants) {
            assertThat(IsoInstants.parse(t.toString())).as(t.toString()).isEqualTo(t);
        }
    }

    @Test
    void otherSpellingsAndMistakesBehaveAsInstantParse() {
        for (String s : List.of("2026-12-02T10:11:12.1Z", "2026-12-02T10:11:12.12Z", "2026-12-02T10:11:12.1234Z",
                "2026-12-02T10:11:12.12345678Z", "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z",
                "2026-12-02T10:11:12+01:00", "2016-12-31T23:59:60Z", "2026-12-02T10:11:12.Z",
                "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-12-00T00:00:00Z",
                "2026-12-02T24:00:00Z", "2026-12-02T10:60:00Z", "2026-12-02T10:11:12", "2026-12-02 10:11:12Z",
                "2026-1a-02T10:11:12Z", "2026-12-02T10:11:12.1234567890Z", "", "not a time",
                "2026-12-02T10:11:12.12a4Z", "2023-02-29T00:00:00Z", "2024-02-29T00:00:00Z")) {
            Instant expected;
            try {
                expected = Instant.parse(s);
            } catch (DateTimeParseException e) {
                assertThatThrownBy(() -> IsoInstants.parse(s)).as(s).isInstanceOf(DateTimeParseException.class);
                continue;
            }
            assertThat(IsoInstants.parse(s)).as(s).isEqualTo(expected);
        }
    }
}
