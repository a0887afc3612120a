package io.lifeboat.cli;

import picocli.CommandLine.Command;

/** {@code lifeboat backup SOURCE …}: one subcommand per kind of source. */
@Command(name = "backup", description = "Back up a source into the repository.",
        subcommands = {BackupFilesCommand.class, BackupPostgresCommand.class, BackupQdrantCommand.class})
final class BackupCommand {}
