package io.jenkins.plugins.essay;

import com.cloudbees.jenkins.plugins.sshcredentials.SSHUserPrivateKey;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.model.Descriptor;
import hudson.model.Item;
import hudson.model.Queue;
import hudson.model.Run;
import hudson.model.queue.Tasks;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import java.util.List;
import jenkins.model.Jenkins;
import org.springframework.security.core.Authentication;

/** Finding the SSH key credential a step names, and the form helpers that offer and check it. */
final class EssayCredentials {
    /** What the credential type is called in the Jenkins UI, for messages. */
    static final String EXPECTED_TYPE = "SSH Username with private key";

    private EssayCredentials() {
    }

    /**
     * The SSH key credential {@code id}, as available to {@code run}; tracked as used by the build.
     *
     * @throws AbortException naming the id and the expected type when it is missing, unknown or of another type
     */
    static @NonNull SSHUserPrivateKey sshKey(@NonNull Run<?, ?> run, @CheckForNull String id) throws AbortException {
        if (id == null || id.isBlank()) {
            throw new AbortException("essay: no credentialsId given; pass the id of an '" + EXPECTED_TYPE
                    + "' credential that can log in to the fleet (credentialsId: 'deploy-key')");
        }
        IdCredentials any = CredentialsProvider.findCredentialById(id, IdCredentials.class, run);
        if (any == null) {
            throw new AbortException("essay: no credential with id '" + id + "' is available to "
                    + run.getParent().getFullName() + "; add an '" + EXPECTED_TYPE + "' credential with that id "
                    + "(Manage Jenkins → Credentials) in a scope this job can use");
        }
        if (!(any instanceof SSHUserPrivateKey key)) {
            Descriptor<?> d = any.getDescriptor();
            throw new AbortException("essay: credential '" + id + "' is of type '" + d.getDisplayName()
                    + "' where '" + EXPECTED_TYPE + "' was expected; essay logs in to the fleet with an SSH key");
        }
        CredentialsProvider.track(run, key);
        if (key.getPrivateKeys().isEmpty() || key.getPrivateKeys().get(0).isBlank()) {
            throw new AbortException("essay: credential '" + id + "' holds no private key; paste the key into it");
        }
        return key;
    }

    /** The credentials drop-down: SSH key credentials the job can use (credentials plugin's consumer guide). */
    static ListBoxModel fillItems(@CheckForNull Item item, @CheckForNull String credentialsId) {
        StandardListBoxModel result = new StandardListBoxModel();
        String current = credentialsId == null ? "" : credentialsId;
        if (!canList(item)) {
            return result.includeCurrentValue(current);
        }
        Authentication auth = item instanceof Queue.Task task ? Tasks.getAuthenticationOf2(task) : ACL.SYSTEM2;
        return result.includeEmptyValue()
                .includeMatchingAs(auth, item, SSHUserPrivateKey.class, List.of(),
                        CredentialsMatchers.instanceOf(SSHUserPrivateKey.class))
                .includeCurrentValue(current);
    }

    static FormValidation check(@CheckForNull Item item, @CheckForNull String value) {
        if (!canList(item)) {
            return FormValidation.ok();
        }
        if (value == null || value.isBlank()) {
            return FormValidation.error("Choose the '" + EXPECTED_TYPE + "' credential essay logs in to the fleet with.");
        }
        if (value.contains("${")) {
            return FormValidation.warning("Cannot check a credentials id that is an expression.");
        }
        Authentication auth = item instanceof Queue.Task task ? Tasks.getAuthenticationOf2(task) : ACL.SYSTEM2;
        if (!CredentialsProvider.listCredentialsInItem(SSHUserPrivateKey.class, item, auth, List.of(),
                CredentialsMatchers.withId(value)).isEmpty()) {
            return FormValidation.ok();
        }
        if (!CredentialsProvider.listCredentialsInItem(IdCredentials.class, item, auth, List.of(),
                CredentialsMatchers.withId(value)).isEmpty()) {
            return FormValidation.error("Credential '" + value + "' is not an '" + EXPECTED_TYPE + "' credential.");
        }
        return FormValidation.error("Cannot find credential '" + value + "'.");
    }

    /** Only people who can configure (or use credentials in) the job may list credentials. */
    private static boolean canList(@CheckForNull Item item) {
        if (item == null) {
            return Jenkins.get().hasPermission(Jenkins.ADMINISTER);
        }
        return item.hasPermission(Item.EXTENDED_READ) || item.hasPermission(CredentialsProvider.USE_ITEM);
    }
}
