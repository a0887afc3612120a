package io.lifeboat.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether we talk to a person at a terminal (prompts and progress bars) or to a pipe. */
final class Terminal {
    private Terminal() {}

    static boolean isInteractive(Console console) {
        if (console == null) {
            return false;
        }
        try {
            // Console.isTerminal() exists from JDK 22; on 21, System.console() is null when redirected.
            Method m = Console.class.getMethod("isTerminal");
            return (Boolean) m.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
