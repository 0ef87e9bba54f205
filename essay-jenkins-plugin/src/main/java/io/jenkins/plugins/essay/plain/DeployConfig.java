package io.jenkins.plugins.essay.plain;

import dev.essay.core.api.DeployRequest;
import dev.essay.core.api.Shard;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** {@code essayDeploy} and "essay: deploy": install {@code version} into {@code slot} on every host of a role. */
public final class DeployConfig extends FleetConfig<DeployRequest> {
    /** What the step and the build step are called in the job configuration and the Snippet Generator. */
    public static final String TITLE = "essay: deploy a version into a slot";

    private String version;
    private String slot;
    private String role;
    private String profile;
    private List<Integer> shard;
    private List<String> hosts;

    public DeployConfig(String version, String slot) {
        this.version = trim(version);
        this.slot = trim(slot);
    }

    public String getVersion() {
        return version;
    }

    public String getSlot() {
        return slot;
    }

    /** The role whose hosts get the deploy; null for essay.yaml's default_role. */
    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = trim(role);
    }

    /** The profile passed to the supervisord template; null for essay.yaml's profile. */
    public String getProfile() {
        return profile;
    }

    public void setProfile(String profile) {
        this.profile = trim(profile);
    }

    /** {@code [index, count]}: deploy to that shard of the role's hosts (see {@link Shard}); null for all of them. */
    public List<Integer> getShard() {
        return shard == null ? null : new ArrayList<>(shard);
    }

    public void setShard(List<Integer> shard) {
        this.shard = shard == null || shard.isEmpty() ? null : new ArrayList<>(shard);
    }

    /** The hosts of the role to deploy to ({@code user@address:port} or an address); null for all of them. */
    public List<String> getHosts() {
        return hosts == null ? null : new ArrayList<>(hosts);
    }

    public void setHosts(List<String> hosts) {
        this.hosts = trimmed(hosts);
    }

    /**
     * The part of the role's hosts this deploy takes; null for all of them.
     *
     * @throws IllegalArgumentException saying how to write it when {@code shard} is not {@code [index, count]} or both
     *                                  {@code shard} and {@code hosts} are given
     */
    public Shard part() {
        if (shard != null && hosts != null) {
            throw new IllegalArgumentException(name() + ": shard and hosts both choose the hosts; give one of them");
        }
        if (hosts != null) {
            return Shard.named(hosts);
        }
        if (shard == null) {
            return null;
        }
        if (shard.size() != 2 || shard.contains(null)) {
            throw new IllegalArgumentException(name() + ": shard is [index, count] with the index from 0, e.g. shard: [0, 2]"
                    + " and shard: [1, 2] for two shards, not " + shard);
        }
        try {
            return Shard.of(shard.get(0), shard.get(1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name() + ": shard: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "essay deploy";
    }

    /** @throws IllegalArgumentException naming what is missing when the version or the slot is empty */
    @Override
    public DeployRequest request() {
        if (version == null || slot == null) {
            throw new IllegalArgumentException(name() + " needs a version and a slot (version: "
                    + (version == null ? "empty" : "'" + version + "'") + ", slot: "
                    + (slot == null ? "empty" : "'" + slot + "'") + ")");
        }
        return new DeployRequest(version, slot, role, profile, isForce()).under(null, part());
    }

    @Override
    public DeployConfig expand(UnaryOperator<String> env) {
        DeployConfig copy = new DeployConfig(expanded(env, version), expanded(env, slot));
        copy.setRole(expanded(env, role));
        copy.setProfile(expanded(env, profile));
        copy.setShard(shard);
        copy.setHosts(hosts == null ? null : hosts.stream().map(h -> expanded(env, h)).toList());
        return withLogin(copy, env);
    }
}
