/**
 * The command line. One class per verb; each parses its options, calls one use case and renders
 * the result as text or {@code --json} (docs/json.md). {@link io.lifeboat.cli.Main} is the only
 * place where concrete adapters are wired, and where failures become documented exit codes
 * (docs/exit-codes.md). Passwords come from the environment, a file or a terminal prompt, never
 * from argv.
 */
package io.lifeboat.cli;
