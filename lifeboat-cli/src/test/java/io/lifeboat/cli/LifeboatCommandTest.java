package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.repository.ClientContext;
import io.lifeboat.repository.lock.LockPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/** Only the verb a command line names is built; help and mistakes still see every verb. */
class LifeboatCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        CliContext ctx = new CliContext(Map.of("LIFEBOAT_PASSWORD", "pw"), null, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Main.defaultStorages(Map.of()),
                new ClientContext("host-a", "alice", Clock.systemUTC(), LockPolicy.DEFAULT), "test");
        return Main.run(ctx, args);
    }

    @Test
    void aVerbOnTheCommandLineIsTheOnlyOneBuilt() {
        assertThat(LifeboatCommand.verbsFor(new String[] {"backup", "files", "/srv", "--tag", "x"}))
                .containsExactly(BackupCommand.class);
        assertThat(LifeboatCommand.verbsFor(new String[] {"wal", "push", "pg_wal/000000010000000000000001"}))
                .containsExactly(WalCommand.class);
        assertThat(LifeboatCommand.verbsFor(new String[] {"-h", "snapshots"})).containsExactly(SnapshotsCommand.class);
    }

    @Test
    void helpVersionAndUnknownWordsGetEveryVerb() {
        for (String[] args : List.of(new String[0], new String[] {"--version"}, new String[] {"help", "backup"},
                new String[] {"snapshot"}, new String[] {"--repo", "/x", "snapshots"})) {
            assertThat(LifeboatCommand.verbsFor(args)).as(String.join(" ", args)).isEqualTo(LifeboatCommand.VERBS);
        }
    }

    @Test
    void helpListsEveryVerbAndAMistypedVerbIsAUsageError() {
        assertThat(run("--help")).isZero();
        String help = out.toString(StandardCharsets.UTF_8);
        for (Class<?> verb : LifeboatCommand.VERBS) {
            Command c = verb.getAnnotation(Command.class);
            if (!c.hidden()) {
                assertThat(help).contains("  " + c.name() + " ");
            }
        }
        assertThat(run("snapshot", "--repo", "/nowhere")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unmatched argument").contains("lifeboat --help");
    }

    /** The verb, and a verb's own subcommand, are built and parsed: they reach the repository. */
    @Test
    void aVerbAndItsSubcommandsStillRun() {
        assertThat(run("snapshots", "--repo", "/nowhere/repo")).isEqualTo(10);
        assertThat(run("backup", "files", "--repo", "/nowhere/repo", "/tmp")).isEqualTo(10);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no repository at /nowhere/repo");
    }

    /**
     * {@code --help} works on every verb and every verb's subcommand (the error hints tell users
     * to run it), prints that command's usage, exits 0, and picocli finds every description
     * well-formed (a lone '%' in one is a format error it reports on stderr).
     */
    @Test
    void everyCommandHasWorkingHelp() {
        List<List<String>> paths = new ArrayList<>();
        for (Class<?> verb : LifeboatCommand.VERBS) {
            collect(verb, List.of(), paths);
        }
        assertThat(paths).hasSizeGreaterThan(LifeboatCommand.VERBS.size());
        PrintStream systemErr = System.err;
        ByteArrayOutputStream picocliErr = new ByteArrayOutputStream();
        System.setErr(new PrintStream(picocliErr, true, StandardCharsets.UTF_8));
        try {
            for (List<String> path : paths) {
                if (path.equals(List.of("help"))) {
                    continue;
                }
                out.reset();
                List<String> args = new ArrayList<>(path);
                args.add("--help");
                assertThat(run(args.toArray(String[]::new))).as(String.join(" ", args) + ": " + err).isZero();
                assertThat(out.toString(StandardCharsets.UTF_8)).as(String.join(" ", args))
                        .startsWith("Usage: lifeboat " + String.join(" ", path)).contains("-h, --help");
            }
        } finally {
            System.setErr(systemErr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(picocliErr.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    private static void collect(Class<?> command, List<String> parent, List<List<String>> into) {
        Command c = command.getAnnotation(Command.class);
        List<String> path = new ArrayList<>(parent);
        path.add(c.name());
        into.add(path);
        for (Class<?> sub : c.subcommands()) {
            collect(sub, path, into);
        }
    }
}
