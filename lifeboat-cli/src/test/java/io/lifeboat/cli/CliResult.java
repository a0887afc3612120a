package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;

/** What one CLI run left behind: its exit code and everything it printed. */
record CliResult(List<String> args, int exitCode, String stdout, String stderr, Duration elapsed) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHOWN_CHARS = 4_000;

    /** Fails the test, showing the command and its output, unless the exit code is {@code expected}. */
    CliResult assertExitCode(int expected) {
        assertThat(exitCode).as("exit code of %s", describe()).isEqualTo(expected);
        return this;
    }

    /** Shorthand for {@code assertExitCode(0)}. */
    CliResult assertSuccess() {
        return assertExitCode(0);
    }

    /** stdout parsed as the one JSON document that {@code --json} promises. */
    JsonNode json() {
        try {
            return JSON.readTree(stdout);
        } catch (JsonProcessingException e) {
            throw new AssertionError("stdout is not one JSON document: " + e.getOriginalMessage() + "\n" + describe(),
                    e);
        }
    }

    /** The command, exit code and (the start of) stdout and stderr, for failure messages. */
    String describe() {
        return "lifeboat " + String.join(" ", args) + "\n  exit code: " + exitCode + " after " + elapsed.toMillis()
                + " ms\n  stdout: " + shorten(stdout) + "\n  stderr: " + shorten(stderr);
    }

    double seconds() {
        return elapsed.toMillis() / 1000.0;
    }

    private static String shorten(String s) {
        return s.length() <= SHOWN_CHARS ? s : s.substring(0, SHOWN_CHARS) + "… (" + s.length() + " chars)";
    }
}
