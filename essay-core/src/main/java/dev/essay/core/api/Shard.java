package dev.essay.core.api;

import dev.essay.core.model.HostAddress;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of a role's hosts one deploy of a sharded release takes: the {@code index}-th of {@code count} contiguous,
 * near-equal runs of the role's hosts as essay.yaml lists them ({@link #of(int, int)}), or the hosts named
 * ({@link #named(List)}). Several deploys, each with its own shard and all under one held release lock, cover the role
 * between them: one agent per shard when one agent cannot reach (or is too slow for) the whole fleet.
 *
 * @param index 0-based, below {@code count} (when {@code hosts} is null)
 * @param count how many shards the role's hosts are split into (when {@code hosts} is null)
 * @param hosts the hosts named instead, as {@code user@address[:port]} or the bare address of one host of the role
 */
public record Shard(int index, int count, List<String> hosts) implements Serializable {
    private static final Pattern SPELLED = Pattern.compile("\\s*([0-9]{1,6})\\s*/\\s*([0-9]{1,6})\\s*");

    public Shard {
        if (hosts != null) {
            hosts = List.copyOf(hosts);
            if (hosts.isEmpty()) {
                throw new IllegalArgumentException("a shard by hosts names at least one host");
            }
        } else if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard " + index + " of " + count + " does not exist: the index counts"
                    + " from 0 and is below the count (for 3 shards: 0/3, 1/3 and 2/3)");
        }
    }

    /** The {@code index}-th (from 0) of {@code count} shards. */
    public static Shard of(int index, int count) {
        return new Shard(index, count, null);
    }

    /** The hosts named, each {@code user@address[:port]} or the bare address of one host of the role. */
    public static Shard named(List<String> hosts) {
        return new Shard(0, 1, hosts);
    }

    /** Parses {@code INDEX/COUNT} ({@code 0/3}: the first of three shards). */
    public static Shard parse(String text) {
        Matcher m = SPELLED.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a shard; write INDEX/COUNT with the index from 0,"
                    + " e.g. 0/2 and 1/2 for two shards");
        }
        return of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /**
     * This shard's hosts among {@code roleHosts} (the hosts of {@code role}, in essay.yaml's order): shard {@code i} of
     * {@code n} takes hosts {@code [i*size/n, (i+1)*size/n)}, so the shards never overlap and cover every host. A shard
     * may be empty when there are more shards than hosts.
     *
     * @throws IllegalArgumentException naming the host and the role's hosts when a named host is not one of them
     */
    public List<HostAddress> select(String role, List<HostAddress> roleHosts) {
        if (hosts == null) {
            int size = roleHosts.size();
            return List.copyOf(roleHosts.subList((int) ((long) index * size / count),
                    (int) ((long) (index + 1) * size / count)));
        }
        Set<HostAddress> picked = new LinkedHashSet<>();
        for (String name : hosts) {
            picked.add(find(name, role, roleHosts));
        }
        List<HostAddress> inOrder = new ArrayList<>(roleHosts);
        inOrder.retainAll(picked);
        return List.copyOf(inOrder);
    }

    private static HostAddress find(String name, String role, List<HostAddress> roleHosts) {
        String wanted = name == null ? "" : name.strip();
        List<HostAddress> matches = new ArrayList<>();
        for (HostAddress h : roleHosts) {
            if (wanted.contains("@") ? sameHost(wanted, h) : h.address().equals(wanted)) {
                matches.add(h);
            }
        }
        if (matches.size() == 1) {
            return matches.get(0);
        }
        throw new IllegalArgumentException("'" + wanted + "' is " + (matches.isEmpty() ? "not a host of role " + role
                : "the address of " + matches.size() + " hosts of role " + role + "; write it user@address:port")
                + " (its hosts: " + String.join(", ", roleHosts.stream().map(HostAddress::toString).toList()) + ")");
    }

    private static boolean sameHost(String spelled, HostAddress host) {
        try {
            return HostAddress.parse(spelled).equals(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** For messages and the ledger: {@code shard 0/3} (as it is written), or {@code hosts a@h1:22, b@h2:22}. */
    public String describe() {
        return hosts == null ? "shard " + index + "/" + count : "hosts " + String.join(", ", hosts);
    }
}
