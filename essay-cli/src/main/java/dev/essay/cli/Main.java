package dev.essay.cli;

import picocli.CommandLine;

/** Entry point of the {@code essay} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new EssayCommand()).execute(args));
    }
}
