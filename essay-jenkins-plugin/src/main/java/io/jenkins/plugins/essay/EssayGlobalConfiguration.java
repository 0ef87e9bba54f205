package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.util.FormValidation;
import java.util.Locale;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Whom essay trusts when it connects to the fleet from Jenkins: the known_hosts entries host keys are
 * verified against, and whether keys never seen before are accepted. Set under Manage Jenkins → System
 * → essay, or with Configuration as Code:
 *
 * <pre>
 * unclassified:
 *   essay:
 *     knownHosts: |
 *       10.0.0.11 ssh-ed25519 AAAA...
 *     acceptNewHostKeys: false
 * </pre>
 */
@Extension
@Symbol("essay")
public class EssayGlobalConfiguration extends GlobalConfiguration {
    private String knownHosts;
    private boolean acceptNewHostKeys;

    public EssayGlobalConfiguration() {
        load();
    }

    public static @NonNull EssayGlobalConfiguration get() {
        return ExtensionList.lookupSingleton(EssayGlobalConfiguration.class);
    }

    /** known_hosts content ({@code ssh-keyscan} output); never null. */
    public @NonNull String getKnownHosts() {
        return knownHosts == null ? "" : knownHosts;
    }

    @DataBoundSetter
    public void setKnownHosts(String knownHosts) {
        String normalized = knownHosts == null ? "" : knownHosts.replace("\r\n", "\n").strip();
        this.knownHosts = normalized.isEmpty() ? null : normalized + "\n";
        save();
    }

    /** Trust host keys that are not in {@link #getKnownHosts()} (a changed key is always refused). */
    public boolean isAcceptNewHostKeys() {
        return acceptNewHostKeys;
    }

    @DataBoundSetter
    public void setAcceptNewHostKeys(boolean acceptNewHostKeys) {
        this.acceptNewHostKeys = acceptNewHostKeys;
        save();
    }

    /** True when no connection could ever be trusted: nothing known and nothing accepted. */
    boolean trustsNothing() {
        return getKnownHosts().isBlank() && !acceptNewHostKeys;
    }

    @NonNull
    @Override
    public String getDisplayName() {
        return "essay";
    }

    /** Checks that each entry looks like a known_hosts line: hosts, key type, base64 key. */
    @POST
    public FormValidation doCheckKnownHosts(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        if (value == null || value.isBlank()) {
            return FormValidation.warning("No known hosts: essay will refuse every host unless new host keys are "
                    + "accepted. Paste the output of `ssh-keyscan -p PORT HOST` for each host and router.");
        }
        int number = 0;
        for (String line : value.split("\\r?\\n")) {
            number++;
            String entry = line.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            String[] fields = entry.split("\\s+");
            int typeAt = fields[0].startsWith("@") ? 2 : 1; // @cert-authority / @revoked markers
            if (fields.length < typeAt + 2) {
                return FormValidation.error("Line " + number + " is not a known_hosts entry; expected "
                        + "`HOST[,HOST...] KEYTYPE BASE64KEY`, as ssh-keyscan prints it.");
            }
            String type = fields[typeAt].toLowerCase(Locale.ROOT);
            if (!(type.startsWith("ssh-") || type.startsWith("ecdsa-") || type.startsWith("sk-"))) {
                return FormValidation.error("Line " + number + ": '" + fields[typeAt] + "' is not an SSH key type "
                        + "(ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, ...).");
            }
            if (!fields[typeAt + 1].matches("[A-Za-z0-9+/]+={0,2}")) {
                return FormValidation.error("Line " + number + ": the key is not base64.");
            }
        }
        return FormValidation.ok();
    }
}
