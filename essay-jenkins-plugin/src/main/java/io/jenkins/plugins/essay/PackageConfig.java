package io.jenkins.plugins.essay;

import dev.essay.core.pkg.PackageRequest;
import java.util.function.UnaryOperator;

/**
 * {@code essayPackage} and "essay: package": build the project's wheel and sdist with a new version on the agent and
 * upload them to the index, with the index login of a Jenkins credential (or the one essay.yaml describes).
 */
final class PackageConfig extends EssayConfig<PackageRequest> {
    /** What the step and the build step are called in the job configuration and the Snippet Generator. */
    static final String TITLE = "essay: build a package with a new version and upload it";

    private String branch;
    private String commit;
    private boolean here;
    private String version;
    private String suffix;
    private String indexCredentialsId;

    /** The branch to package; null for build.branch of essay.yaml. Ignored when a commit is given. */
    String getBranch() {
        return branch;
    }

    void setBranch(String branch) {
        this.branch = trim(branch);
    }

    /** The commit (id, tag or other revision) to package; wins over the branch. */
    String getCommit() {
        return commit;
    }

    void setCommit(String commit) {
        this.commit = trim(commit);
    }

    /** Package the workspace's tree as it is instead of a clean checkout (the CLI's --here). */
    boolean isHere() {
        return here;
    }

    void setHere(boolean here) {
        this.here = here;
    }

    /** An explicit PEP 440 version; null for the next date version on the index. */
    String getVersion() {
        return version;
    }

    void setVersion(String version) {
        this.version = trim(version);
    }

    /** A local version label: {@code 6.11.28.3+fixbug}. */
    String getSuffix() {
        return suffix;
    }

    void setSuffix(String suffix) {
        this.suffix = trim(suffix);
    }

    /** A "Username with password" credential to upload with; null for essay.yaml's index login. */
    String getIndexCredentialsId() {
        return indexCredentialsId;
    }

    void setIndexCredentialsId(String indexCredentialsId) {
        this.indexCredentialsId = trim(indexCredentialsId);
    }

    @Override
    String credentialsId() {
        return indexCredentialsId;
    }

    @Override
    String name() {
        return "essay package";
    }

    @Override
    PackageRequest request() {
        return new PackageRequest(branch, commit, here, version, suffix, false);
    }

    @Override
    PackageConfig expand(UnaryOperator<String> env) {
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
