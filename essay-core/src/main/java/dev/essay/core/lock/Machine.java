package dev.essay.core.lock;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This machine's name, as recorded in the lock (the kernel's host name; no DNS look-up). */
final class Machine {
    private static final String NAME = read();

    private Machine() {
    }

    static String name() {
        return NAME;
    }

    private static String read() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (Exception e) {
            // not Linux: ask the JDK
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
