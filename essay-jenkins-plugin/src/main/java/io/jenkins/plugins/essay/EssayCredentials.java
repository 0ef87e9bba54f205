package io.jenkins.plugins.essay;

import com.cloudbees.jenkins.plugins.sshcredentials.SSHUserPrivateKey;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
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

/**
 * Finding the credentials a step names (the SSH key that logs in to the fleet, the index login a package is
 * uploaded with), and the form helpers that offer and check them.
 */
final class EssayCredentials {
    /** What the credential type is called in the Jenkins UI, for messages. */
    static final String EXPECTED_TYPE = "SSH Username with private key";
    /** The same for the index login. */
    static final String INDEX_TYPE = "Username with password";

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
        SSHUserPrivateKey key = find(run, id, SSHUserPrivateKey.class, EXPECTED_TYPE,
                "essay logs in to the fleet with an SSH key");
        if (key.getPrivateKeys().isEmpty() || key.getPrivateKeys().get(0).isBlank()) {
            throw new AbortException("essay: credential '" + id + "' holds no private key; paste the key into it");
        }
        return key;
    }

    /**
     * The index login credential {@code id}, as available to {@code run}; tracked as used by the build.
     *
     * @throws AbortException naming the id and the expected type when it is unknown or of another type
     */
    static @NonNull StandardUsernamePasswordCredentials indexLogin(@NonNull Run<?, ?> run, @NonNull String id)
            throws AbortException {
        return find(run, id, StandardUsernamePasswordCredentials.class, INDEX_TYPE,
                "essay uploads to the package index with a user name and password");
    }

    private static <C extends IdCredentials> C find(Run<?, ?> run, String id, Class<C> type, String typeName,
                                                    String why) throws AbortException {
        IdCredentials any = CredentialsProvider.findCredentialById(id, IdCredentials.class, run);
        if (any == null) {
            throw new AbortException("essay: no credential with id '" + id + "' is available to "
                    + run.getParent().getFullName() + "; add an '" + typeName + "' credential with that id "
                    + "(Manage Jenkins → Credentials) in a scope this job can use");
        }
        if (!type.isInstance(any)) {
            Descriptor<?> d = any.getDescriptor();
            throw new AbortException("essay: credential '" + id + "' is of type '" + d.getDisplayName()
                    + "' where '" + typeName + "' was expected; " + why);
        }
        C credential = type.cast(any);
        CredentialsProvider.track(run, credential);
        return credential;
    }

    /** The credentials drop-down: SSH key credentials the job can use (credentials plugin's consumer guide). */
    static ListBoxModel fillItems(@CheckForNull Item item, @CheckForNull String credentialsId) {
        return fillItems(item, credentialsId, SSHUserPrivateKey.class);
    }

    /** The index login drop-down: user name and password credentials the job can use. */
    static ListBoxModel fillIndexItems(@CheckForNull Item item, @CheckForNull String credentialsId) {
        return fillItems(item, credentialsId, StandardUsernamePasswordCredentials.class);
    }

    private static ListBoxModel fillItems(@CheckForNull Item item, @CheckForNull String credentialsId,
                                          Class<? extends StandardCredentials> type) {
        StandardListBoxModel result = new StandardListBoxModel();
        String current = credentialsId == null ? "" : credentialsId;
        if (!canList(item)) {
            return result.includeCurrentValue(current);
        }
        return result.includeEmptyValue()
                .includeMatchingAs(authOf(item), item, type, List.of(), CredentialsMatchers.instanceOf(type))
                .includeCurrentValue(current);
    }

    static FormValidation check(@CheckForNull Item item, @CheckForNull String value) {
        if (canList(item) && (value == null || value.isBlank())) {
            return FormValidation.error("Choose the '" + EXPECTED_TYPE + "' credential essay logs in to the fleet with.");
        }
        return check(item, value, SSHUserPrivateKey.class, EXPECTED_TYPE);
    }

    /** The index login is optional: without it, essay.yaml's index.username and password settings apply. */
    static FormValidation checkIndex(@CheckForNull Item item, @CheckForNull String value) {
        return check(item, value, StandardUsernamePasswordCredentials.class, INDEX_TYPE);
    }

    private static FormValidation check(@CheckForNull Item item, @CheckForNull String value,
                                        Class<? extends StandardCredentials> type, String typeName) {
        if (!canList(item) || value == null || value.isBlank()) {
            return FormValidation.ok();
        }
        if (value.contains("${")) {
            return FormValidation.warning("Cannot check a credentials id that is an expression.");
        }
        Authentication auth = authOf(item);
        if (!CredentialsProvider.listCredentialsInItem(type, item, auth, List.of(),
                CredentialsMatchers.withId(value)).isEmpty()) {
            return FormValidation.ok();
        }
        if (!CredentialsProvider.listCredentialsInItem(IdCredentials.class, item, auth, List.of(),
                CredentialsMatchers.withId(value)).isEmpty()) {
            return FormValidation.error("Credential '" + value + "' is not an '" + typeName + "' credential.");
        }
        return FormValidation.error("Cannot find credential '" + value + "'.");
    }

    static Authentication authOf(@CheckForNull Item item) {
        return item instanceof Queue.Task task ? Tasks.getAuthenticationOf2(task) : ACL.SYSTEM2;
    }

    /** Only people who can configure (or use credentials in) the job may list credentials. */
    private static boolean canList(@CheckForNull Item item) {
        if (item == null) {
            return Jenkins.get().hasPermission(Jenkins.ADMINISTER);
        }
        return item.hasPermission(Item.EXTENDED_READ) || item.hasPermission(CredentialsProvider.USE_ITEM);
    }
}
