package io.jenkins.plugins.essay;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import dev.essay.core.model.Secret;
import hudson.Extension;
import hudson.model.Failure;
import hudson.model.Item;
import hudson.model.Job;
import hudson.model.ParameterDefinition;
import hudson.model.ParametersDefinitionProperty;
import hudson.model.SimpleParameterDefinition;
import hudson.model.StringParameterValue;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.essay.plain.IndexVersions;
import java.util.Objects;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.Stapler;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * The "essay version" build parameter: Build with Parameters offers the project's versions on the package index,
 * newest first after "latest" (read when the form opens); the build gets the chosen version as a string parameter
 * ({@code params.NAME}, {@code ${NAME}}), "latest" resolved to the newest version on the index when the build is
 * queued. A value given by the CLI, the REST API or {@code build job:} must be a PEP 440 version on the index.
 * The list, "latest" and the check are plain {@link IndexVersions}.
 */
public class EssayVersionParameter extends SimpleParameterDefinition {
    private static final long serialVersionUID = 1L;

    private final String indexUrl;
    private final String project;
    private String indexCredentialsId;

    @DataBoundConstructor
    public EssayVersionParameter(@NonNull String name, String indexUrl, String project) {
        super(name);
        this.indexUrl = indexUrl == null ? "" : indexUrl.strip();
        this.project = project == null ? "" : project.strip();
    }

    public String getIndexUrl() {
        return indexUrl;
    }

    public String getProject() {
        return project;
    }

    public @CheckForNull String getIndexCredentialsId() {
        return indexCredentialsId;
    }

    /** The "Username with password" credential of the index login; empty for an index that needs none. */
    @DataBoundSetter
    public void setIndexCredentialsId(@CheckForNull String indexCredentialsId) {
        this.indexCredentialsId = indexCredentialsId == null || indexCredentialsId.isBlank() ? null
                : indexCredentialsId.strip();
    }

    /** "latest" when nothing is given (a timer, an SCM trigger): the newest version on the index. */
    @Override
    public StringParameterValue getDefaultParameterValue() {
        return resolve(IndexVersions.LATEST, owner(null));
    }

    /** The build form's choice; an error is shown as the form's answer. */
    @Override
    public StringParameterValue createValue(StaplerRequest2 req, JSONObject jo) {
        try {
            return resolve(jo.optString("value", IndexVersions.LATEST), owner(req));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new Failure(e.getMessage());
        }
    }

    /**
     * A value from the CLI, the REST API ({@code buildWithParameters}) or {@code build job:}: an
     * {@link IllegalArgumentException} (not a version there) or {@link IllegalStateException} (the index cannot be
     * read), which the CLI prints as {@code ERROR: <message>}.
     */
    @Override
    public StringParameterValue createValue(String value) {
        return resolve(value, owner(Stapler.getCurrentRequest2()));
    }

    /**
     * The value of the version {@code value} stands for; its description says which version "latest" took.
     *
     * @throws IllegalArgumentException naming the parameter, the value, the project and the index when it is no
     *                                  version there
     * @throws IllegalStateException    naming the parameter and the index when it cannot be read
     */
    private StringParameterValue resolve(String value, @CheckForNull Job<?, ?> owner) {
        try {
            IndexVersions versions = versions(owner);
            String version = versions.resolve(value);
            String chosen = value == null ? "" : value.strip();
            String description = chosen.isEmpty() || chosen.equals(IndexVersions.LATEST)
                    ? "latest: " + version + ", the newest version of " + project + " on " + indexUrl
                    : "version " + version + " of " + project + " on " + indexUrl;
            return new StringParameterValue(getName(), version, description);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(getName() + ": " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(getName() + ": " + e.getMessage(), e);
        }
    }

    /** The versions on the index, read with the index login as {@code owner} may use it. */
    IndexVersions versions(@CheckForNull Job<?, ?> owner) {
        String username = null;
        Secret password = null;
        if (indexCredentialsId != null) {
            StandardUsernamePasswordCredentials login = owner == null ? null : CredentialsMatchers.firstOrNull(
                    CredentialsProvider.lookupCredentialsInItem(StandardUsernamePasswordCredentials.class, owner,
                            EssayCredentials.authOf(owner), java.util.List.of()),
                    CredentialsMatchers.withId(indexCredentialsId));
            if (login == null) {
                throw new IllegalStateException("no '" + EssayCredentials.INDEX_TYPE + "' credential with id '"
                        + indexCredentialsId + "' is available to " + (owner == null ? "this job" : owner.getFullName())
                        + " for reading the versions on " + indexUrl + "; add it (Manage Jenkins → Credentials) in a"
                        + " scope the job can use, or clear the parameter's index login");
            }
            username = login.getUsername();
            password = Secret.of(login.getPassword().getPlainText());
        }
        return IndexVersions.read(indexUrl, project, username, password);
    }

    /** The job this definition belongs to: the request's, else found among all jobs (CLI, {@code build job:}). */
    private @CheckForNull Job<?, ?> owner(@CheckForNull StaplerRequest2 req) {
        Job<?, ?> fromRequest = req == null ? null : req.findAncestorObject(Job.class);
        if (fromRequest != null && owns(fromRequest)) {
            return fromRequest;
        }
        try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
            for (Job<?, ?> job : Jenkins.get().allItems(Job.class)) {
                if (owns(job)) {
                    return job;
                }
            }
        }
        return null;
    }

    private boolean owns(Job<?, ?> job) {
        ParametersDefinitionProperty property = job.getProperty(ParametersDefinitionProperty.class);
        return property != null && property.getParameterDefinitions().stream().anyMatch(d -> d == this);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getName(), getDescription(), indexUrl, project, indexCredentialsId);
    }

    @Override
    public boolean equals(Object obj) {
        if (this == obj) {
            return true;
        }
        if (obj == null || getClass() != obj.getClass()) {
            return false;
        }
        EssayVersionParameter other = (EssayVersionParameter) obj;
        return getName().equals(other.getName()) && Objects.equals(getDescription(), other.getDescription())
                && indexUrl.equals(other.indexUrl) && project.equals(other.project)
                && Objects.equals(indexCredentialsId, other.indexCredentialsId);
    }

    @Extension
    @Symbol("essayVersion")
    public static class DescriptorImpl extends ParameterDescriptor {
        @NonNull
        @Override
        public String getDisplayName() {
            return "essay version";
        }

        /**
         * The build form's drop-down: "latest" and the versions on the index, newest first. The index, project and
         * login are the configured parameter's ({@code name} finds it in the job), never the request's: a request
         * cannot send the job's index login elsewhere.
         */
        @POST
        public ListBoxModel doFillValueItems(@AncestorInPath Item item, @QueryParameter String name) {
            ListBoxModel items = new ListBoxModel();
            if (!(item instanceof Job<?, ?> job) || !job.hasPermission(Item.BUILD)) {
                return items;
            }
            ParametersDefinitionProperty property = job.getProperty(ParametersDefinitionProperty.class);
            ParameterDefinition definition = property == null ? null : property.getParameterDefinition(name);
            if (!(definition instanceof EssayVersionParameter parameter)) {
                return items;
            }
            try {
                for (String choice : parameter.versions(job).choices()) {
                    items.add(choice);
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                // "latest" stays choosable: the build reads the index again and fails with this message if it must
                items.add(new ListBoxModel.Option("latest (cannot list the versions: " + e.getMessage() + ")",
                        IndexVersions.LATEST));
            }
            return items;
        }

        @POST
        public ListBoxModel doFillIndexCredentialsIdItems(@AncestorInPath Item item,
                                                          @QueryParameter String indexCredentialsId) {
            return EssayCredentials.fillIndexItems(item, indexCredentialsId);
        }
    }
}
