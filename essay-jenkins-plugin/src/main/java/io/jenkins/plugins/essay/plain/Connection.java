package io.jenkins.plugins.essay.plain;

import dev.essay.core.model.Actor;
import dev.essay.core.model.Secret;
import dev.essay.core.transport.SshSettings;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How, and for whom, the agent does an engine call: the SSH login to the fleet (deploy, switch) or the index login and
 * build directory (package), who started it and why (for the release lock and the ledger), and the build's
 * environment (for {@code index.password_env}). It travels to the agent with the request, over the (encrypted) agent
 * channel, and lives only in memory there; {@link #toString()} names no secret.
 *
 * @param ssh      the SSH login; null for a package
 * @param index    a package's index login from a Jenkins credential; null: as essay.yaml says
 * @param workRoot where a package is built (null: the temporary directory)
 * @param user     who, as {@link Actor#user()}
 * @param cause    why, as {@link Actor#cause()}
 * @param env      the build's environment
 */
public record Connection(SshLogin ssh, IndexLogin index, String workRoot, String user, String cause, Map<String, String> env)
        implements Serializable {
    public Connection {
        env = env == null ? new HashMap<>() : new HashMap<>(env);
    }

    /** Logs in to the fleet with {@code ssh}. */
    public static Connection fleet(SshLogin ssh, Actor actor, Map<String, String> env) {
        return new Connection(ssh, null, null, actor.user(), actor.cause(), env);
    }

    /** Packages under {@code workRoot}, uploading with {@code index} (null: the login essay.yaml describes). */
    public static Connection index(IndexLogin index, String workRoot, Actor actor, Map<String, String> env) {
        return new Connection(null, index, workRoot, actor.user(), actor.cause(), env);
    }

    public Actor actor() {
        return new Actor(user, cause);
    }

    @Override
    public String toString() {
        return (ssh == null ? "" : ssh + ", ") + (index == null ? "" : index + ", ") + "as " + user;
    }

    /**
     * An SSH key of a Jenkins credential, and the host keys to trust.
     *
     * @param keyName           how messages name the key ({@code Jenkins credential 'deploy-key'})
     * @param privateKey        the key, PEM or OpenSSH
     * @param passphrase        null when the key has none
     * @param knownHosts        {@code known_hosts} lines of the global configuration
     * @param acceptNewHostKeys trust hosts whose key is not listed
     */
    public record SshLogin(String keyName, String privateKey, String passphrase, String knownHosts, boolean acceptNewHostKeys)
            implements Serializable {
        /** The engine's SSH settings, with essay.yaml's connect timeout (null: the default). */
        public SshSettings settings(Duration connectTimeout) {
            return new SshSettings(keyName, Secret.of(privateKey), passphrase == null ? null : Secret.of(passphrase),
                    knownHosts, null, acceptNewHostKeys, connectTimeout);
        }

        @Override
        public String toString() {
            return "SSH key of " + keyName;
        }
    }

    /** The user name and password of a Jenkins "Username with password" credential, to upload packages with. */
    public record IndexLogin(String username, String password) implements Serializable {
        @Override
        public String toString() {
            return "index login " + username;
        }
    }
}
