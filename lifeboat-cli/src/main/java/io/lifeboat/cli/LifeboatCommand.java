package io.lifeboat.cli;

import picocli.CommandLine.Command;

/** The root command: only lists the verbs. */
@Command(name = "lifeboat", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Backup and disaster recovery for PostgreSQL, Qdrant and files.",
        subcommands = {InitCommand.class, KeyCommand.class, BackupCommand.class, SnapshotsCommand.class,
                LsCommand.class, RestoreCommand.class, ForgetCommand.class, PruneCommand.class, HoldCommand.class,
                ReleaseCommand.class, HoldsCommand.class, CheckCommand.class, StatsCommand.class, CopyCommand.class,
                UnlockCommand.class, DemoCommand.class, StartupTrainingCommand.class, WalCommand.class, ServeCommand.class,
                picocli.CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: docs/exit-codes.md. JSON output: docs/json.md."})
final class LifeboatCommand {}
