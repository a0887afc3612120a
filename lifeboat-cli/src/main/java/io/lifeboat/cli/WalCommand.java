package io.lifeboat.cli;

import picocli.CommandLine.Command;

/** {@code lifeboat wal push|fetch|status|receive}: the repository's PostgreSQL WAL archive. */
@Command(name = "wal", description = "PostgreSQL WAL archive: archive_command (push), restore_command (fetch), status, streaming (receive).",
        subcommands = {WalPushCommand.class, WalFetchCommand.class, WalStatusCommand.class, WalReceiveCommand.class})
final class WalCommand {}
