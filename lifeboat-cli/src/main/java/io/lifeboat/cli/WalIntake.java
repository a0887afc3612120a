package io.lifeboat.cli;

import io.lifeboat.core.error.ErrorCode;
import io.lifeboat.core.error.LifeboatException;
import io.lifeboat.repository.wal.WalArchive;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daemon's {@code wal push}: one WAL file handed over by a client, stored in the repository
 * that the daemon opened once. The system identifier comes from the segment's header, else from
 * the one the client read from {@code global/pg_control}. A system is checked against the
 * repository (which lists every WAL object) on its first file only; later files of an accepted
 * system skip that listing, as a WAL receiver does.
 *
 * <p>Thread-safe: several connections push at once. Idempotent as {@link WalArchive#push}: an
 * identical file again is {@code ALREADY_PRESENT}; different content under the same name fails
 * with {@code already_exists}, another system's file with {@code refused}, a bad name or an
 * unknown system with {@code usage}. Returns only once the file is durable.
 */
final class WalIntake {
    private final WalArchive wal;
    private final Set<String> acceptedSystems = ConcurrentHashMap.newKeySet();

    WalIntake(WalArchive wal) {
        this.wal = wal;
    }

    WalArchive.PushResult push(String name, Optional<String> givenSystemId, byte[] content) {
        WalFiles.requireWalFileName(name, "archive_command passes %p, the path of a file in pg_wal, to lifeboat-wal-push");
        Optional<String> fromHeader = WalFiles.systemIdOfHeader(name, content);
        String systemId = fromHeader.or(() -> givenSystemId).orElseThrow(() -> new LifeboatException(ErrorCode.USAGE,
                "cannot tell the system identifier of WAL file " + name, "send the X-Lifeboat-System-Id header "
                + "(lifeboat-wal-push reads it from global/pg_control of the data directory)"));
        if (!systemId.matches("[0-9]{1,20}")) {
            throw new LifeboatException(ErrorCode.USAGE, "system identifier '" + systemId + "' of WAL file " + name
                    + " is not a decimal number", "send SELECT system_identifier FROM pg_control_system()");
        }
        if (fromHeader.isPresent() && givenSystemId.isPresent() && !fromHeader.get().equals(givenSystemId.get())) {
            throw new LifeboatException(ErrorCode.REFUSED, "WAL segment " + name + " belongs to system " + fromHeader.get()
                    + ", not to the system " + givenSystemId.get() + " the client named",
                    "archive the segments of each cluster from its own data directory");
        }
        if (acceptedSystems.contains(systemId)) {
            return wal.pushOfCheckedSystem(systemId, name, content);
        }
        synchronized (this) {
            // One first push at a time: two systems racing into an empty repository cannot both be accepted.
            WalArchive.PushResult r = wal.push(systemId, name, content);
            acceptedSystems.add(systemId);
            return r;
        }
    }
}
