package io.jenkins.plugins.essay.plain;

import dev.essay.core.pkg.PackageRequest;
import java.util.function.UnaryOperator;

/**
 * {@code essayPackage} and "essay: package": build the project's wheel and sdist with a new version on the agent and
 * upload them to the index, with the index login of a Jenkins credential (or the one essay.yaml describes).
 */
public final class PackageConfig extends EssayConfig<PackageRequest> {
    /** What the step and the build step are called in the job configuration and the Snippet Generator. */
    public static final String TITLE = "essay: build a package with a new version and upload it";

    private String branch;
    private String commit;
    private boolean here;
    private String version;
    private String suffix;
    private String indexCredentialsId;

    /** The branch to package; null for build.branch of essay.yaml. Ignored when a commit is given. */
    public String getBranch() {
        return branch;
    }

    public void setBranch(String branch) {
        this.branch = trim(branch);
    }

    /** The commit (id, tag or other revision) to package; wins over the branch. */
    public String getCommit() {
        return commit;
    }

    public void setCommit(String commit) {
        this.commit = trim(commit);
    }

    /** Package the workspace's tree as it is instead of a clean checkout (the CLI's --here). */
    public boolean isHere() {
        return here;
    }

    public void setHere(boolean here) {
        this.here = here;
    }

    /** An explicit PEP 440 version; null for the next date version on the index. */
    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = trim(version);
    }

    /** A local version label: {@code 6.11.28.3+fixbug}. */
    public String getSuffix() {
        return suffix;
    }

    public void setSuffix(String suffix) {
        this.suffix = trim(suffix);
    }

    /** A "Username with password" credential to upload with; null for essay.yaml's index login. */
    public String getIndexCredentialsId() {
        return indexCredentialsId;
    }

    public void setIndexCredentialsId(String indexCredentialsId) {
        this.indexCredentialsId = trim(indexCredentialsId);
    }

    @Override
    public String credentialsId() {
        return indexCredentialsId;
    }

    @Override
    public String name() {
        return "essay package";
    }

    @Override
    public PackageRequest request() {
        return new PackageRequest(branch, commit, here, version, suffix, false);
    }

    @Override
    public PackageConfig expand(UnaryOperator<String> env) {
        PackageConfig copy = new PackageConfig();
        copy.setBranch(expanded(env, branch));
        copy.setCommit(expanded(env, commit));
        copy.setHere(here);
        copy.setVersion(expanded(env, version));
        copy.setSuffix(expanded(env, suffix));
        copy.setIndexCredentialsId(expanded(env, indexCredentialsId));
        return withConfig(copy, env);
    }
}
