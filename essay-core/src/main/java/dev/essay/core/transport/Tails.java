package dev.essay.core.transport;

import java.util.Arrays;
import java.util.stream.Collectors;

final class Tails {
    private Tails() {
    }

    static String tail(String text, int lines) {
        String[] all = text.strip().split("\n");
        return Arrays.stream(all, Math.max(0, all.length - lines), all.length)
                .filter(l -> !l.startsWith(RemoteScript.MARKER))
                .collect(Collectors.joining("\n"));
    }
}
