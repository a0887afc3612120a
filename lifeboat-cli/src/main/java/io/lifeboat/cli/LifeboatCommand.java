package io.lifeboat.cli;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root command: only lists the verbs. They are added by {@link #verbsFor}, not declared in
 * the annotation: picocli builds the model of every declared subcommand (reflection over all
 * their options and mixins) before it parses anything, which took about 0.2 s of every command.
 */
@Command(name = "lifeboat", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        versionProvider = VersionProvider.class,
        description = "Backup and disaster recovery for PostgreSQL, Qdrant and files.",
        footer = {"", "Exit codes: docs/exit-codes.md. JSON output: docs/json.md."})
final class LifeboatCommand {
    /** Every verb, in the order help lists them. */
    static final List<Class<?>> VERBS = List.of(InitCommand.class, KeyCommand.class, BackupCommand.class,
            SnapshotsCommand.class, LsCommand.class, RestoreCommand.class, ForgetCommand.class, PruneCommand.class,
            HoldCommand.class, ReleaseCommand.class, HoldsCommand.class, CheckCommand.class, StatsCommand.class,
            CopyCommand.class, UnlockCommand.class, DemoCommand.class, StartupTrainingCommand.class, WalCommand.class,
            ServeCommand.class, CommandLine.HelpCommand.class);

    /**
     * The verbs a command line needs: only the one it names when its first word (the root takes
     * no option with a value) is a verb other than {@code help}; every verb otherwise, so that
     * help, {@code --version}, and the suggestions for a mistyped verb see them all.
     */
    static List<Class<?>> verbsFor(String[] args) {
        String first = firstWord(args);
        if (first == null) {
            return VERBS;
        }
        for (Class<?> verb : VERBS) {
            Command c = verb.getAnnotation(Command.class);
            if (!c.name().equals("help") && (c.name().equals(first) || Arrays.asList(c.aliases()).contains(first))) {
                return List.of(verb);
            }
        }
        return VERBS;
    }

    /** The first word of a command line that is not an option (the root takes none with a value), or null. */
    static String firstWord(String[] args) {
        return Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse(null);
    }
}
