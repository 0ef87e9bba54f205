package dev.essay.core.model;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A host of the fleet, written {@code user@address[:port]}. */
public record HostAddress(String user, String address, int port) {
    private static final Pattern FORM = Pattern.compile(
            "([a-z_][a-z0-9_.-]{0,31})@(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+)(?::([0-9]{1,5}))?");

    public HostAddress {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(address, "address");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
    }

    /** Parses {@code user@address[:port]}; the port defaults to 22. */
    public static HostAddress parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a host; write user@address or user@address:port");
        }
        String address = m.group(2);
        if (address.startsWith("[")) {
            address = address.substring(1, address.length() - 1);
        }
        int port = m.group(3) == null ? 22 : Integer.parseInt(m.group(3));
        return new HostAddress(m.group(1), address, port);
    }

    @Override
    public String toString() {
        String a = address.contains(":") ? "[" + address + "]" : address;
        return user + "@" + a + ":" + port;
    }
}
