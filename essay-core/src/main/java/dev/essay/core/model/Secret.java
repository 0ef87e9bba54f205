package dev.essay.core.model;

import java.util.Arrays;

/** A secret value (password, passphrase, key). Never printed: {@link #toString()} is masked. */
public final class Secret {
    private final char[] value;

    private Secret(char[] value) {
        this.value = value.clone();
    }

    public static Secret of(String value) {
        return new Secret(value.toCharArray());
    }

    public static Secret of(char[] value) {
        return new Secret(value);
    }

    /** The plain value; call only where it is handed to a consumer (pip's environment, JSch). */
    public String reveal() {
        return new String(value);
    }

    public byte[] revealBytes() {
        return new String(value).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public boolean isEmpty() {
        return value.length == 0;
    }

    @Override
    public String toString() {
        return "********";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && Arrays.equals(value, s.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }
}
