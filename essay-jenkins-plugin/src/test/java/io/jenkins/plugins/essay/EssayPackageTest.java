package io.jenkins.plugins.essay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import dev.essay.core.TestProjects;
import dev.essay.index.PackageIndexServer;
import dev.essay.core.model.Secret;
import dev.essay.core.pkg.DateVersion;
import dev.essay.core.pkg.IndexClient;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.ParametersDefinitionProperty;
import hudson.model.Result;
import hudson.model.StringParameterDefinition;
import hudson.tasks.Shell;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * {@code essayPackage} and the "essay: package" build step end to end on the built-in node: the sample project
 * (in a git repository checked out at a detached commit, as Jenkins checks out), real {@code python3 -m build},
 * real uploads to an in-process index that requires a login, given as a Jenkins "Username with password"
 * credential. Skipped (reported as skipped) where python3 with the build and setuptools modules, or git, is missing.
 */
@WithJenkins
class EssayPackageTest {
    private static final String PASSWORD = "Pkg-Index-s3cret";

    @TempDir
    Path tmp;

    private JenkinsRule j;
    private Path project;
    private PackageIndexServer index;

    @BeforeEach
    void setUp(JenkinsRule j) throws Exception {
        this.j = j;
        Assumptions.assumeTrue(runs(tmp, "python3", "-c", "import build, setuptools"),
                "python3 with the build and setuptools modules is needed to package; SKIPPED, not passed");
        Assumptions.assumeTrue(runs(tmp, "git", "--version"), "git is needed to package; SKIPPED, not passed");
        project = tmp.resolve("project");
        Path indexDir = Files.createDirectories(tmp.resolve("index"));
        index = PackageIndexServer.start(indexDir, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new PackageIndexServer.Credentials("deploy", Secret.of(PASSWORD)));
        TestProjects.packagingProject(project, index.simpleUrl(), null, "python3");
        login("index-upload", PASSWORD);
    }

    @AfterEach
    void tearDown() {
        if (index != null) {
            index.close();
        }
    }

    @Test
    void pipelinePackagesTheCheckedOutCommitAndReturnsTheVersion() throws Exception {
        git("init", "-q", "-b", "main");
        git("add", "-A");
        git("-c", "user.name=essay test", "-c", "user.email=test@essay.invalid", "commit", "-q", "-m", "sample");
        String commit = gitOutput("rev-parse", "HEAD");
        git("checkout", "-q", "--detach");
        git("branch", "-q", "-D", "main"); // a Jenkins checkout: a detached commit, no local branch

        WorkflowJob p = j.createProject(WorkflowJob.class, "shop-package");
        p.setDefinition(new CpsFlowDefinition("node {\n"
                + "  dir('" + groovy(project) + "') {\n"
                + "    def version = essayPackage commit: '" + commit + "', indexCredentialsId: 'index-upload'\n"
                + "    echo \"packaged ${version}\"\n"
                + "  }\n"
                + "}\n", true));
        WorkflowRun b = j.buildAndAssertSuccess(p);

        ReleaseRecord release = b.getAction(ReleaseRecord.class);
        assertNotNull(release);
        assertEquals("package", release.getAction());
        assertEquals("ok", release.getResult());
        String version = release.getVersion();
        assertTrue(DateVersion.isDateVersion(version), version);
        assertEquals("commit " + commit + " (" + commit + ")", release.getSource());
        j.assertLogContains("packaged " + version, b);
        j.assertLogContains("[essay] package ok: " + version, b);
        j.assertLogNotContains(PASSWORD, b);
        assertTrue(versionsOnTheIndex().contains(version), "uploaded " + version);
        Path workspaceTmp = tmp.resolve("project@tmp");
        if (Files.isDirectory(workspaceTmp)) {
            try (Stream<Path> left = Files.list(workspaceTmp)) {
                assertTrue(left.noneMatch(f -> f.getFileName().toString().startsWith("essay-package-")),
                        "the build copy is removed once the package is uploaded");
            }
        }
    }

    @Test
    void freestyleExportsTheVersionToTheStepsAfterIt() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("shop-package-here");
        p.setCustomWorkspace(project.toString());
        EssayPackageBuilder builder = new EssayPackageBuilder();
        builder.setHere(true);
        builder.setSuffix("${LABEL}");
        builder.setIndexCredentialsId("index-upload");
        p.getBuildersList().add(builder);
        p.getBuildersList().add(new Shell("echo \"next: deploy $ESSAY_VERSION\""));
        p.addProperty(new ParametersDefinitionProperty(new StringParameterDefinition("LABEL", "ci")));
        FreeStyleBuild b = j.buildAndAssertSuccess(p);

        ReleaseRecord release = b.getAction(ReleaseRecord.class);
        assertNotNull(release);
        assertTrue(release.getVersion().endsWith("+ci"), release.getVersion());
        assertEquals("working tree", release.getSource());
        j.assertLogContains("next: deploy " + release.getVersion(), b);
        assertTrue(versionsOnTheIndex().contains(release.getVersion()));
        assertNotNull(p.getAction(ReleasesPage.class), "a job with an essay build step has a Releases page");
    }

    @Test
    void aRefusedLoginFailsTheBuildWithTheIndexAnswer() throws Exception {
        login("wrong-login", "not the password");
        FreeStyleProject p = j.createFreeStyleProject("shop-package-refused");
        p.setCustomWorkspace(project.toString());
        EssayPackageBuilder builder = new EssayPackageBuilder();
        builder.setHere(true);
        builder.setIndexCredentialsId("wrong-login");
        p.getBuildersList().add(builder);
        FreeStyleBuild b = j.buildAndAssertStatus(Result.FAILURE, p);

        j.assertLogContains("failed: HTTP 40", b);
        j.assertLogContains("hint: check index.username and the password", b);
        j.assertLogNotContains("not the password", b);
        j.assertLogNotContains("\tat ", b);
        ReleaseRecord release = b.getAction(ReleaseRecord.class);
        assertNotNull(release, "a failed package is recorded too");
        assertEquals("failed", release.getResult());
        assertTrue(versionsOnTheIndex().isEmpty());
    }

    private static void login(String id, String password) throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new UsernamePasswordCredentialsImpl(
                CredentialsScope.GLOBAL, id, "package index", "deploy", password));
        SystemCredentialsProvider.getInstance().save();
    }

    private List<String> versionsOnTheIndex() {
        return new ArrayList<>(new IndexClient(index.simpleUrl().toString(), index.uploadUrl().toString(), null, null)
                .versions("essay-sample"));
    }

    static String groovy(Path path) {
        return path.toString().replace("\\", "/").replace("'", "\\'");
    }

    private void git(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        assertTrue(runs(project, argv.toArray(String[]::new)), String.join(" ", argv));
    }

    private String gitOutput(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        Process process = new ProcessBuilder(argv).directory(project.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, process.waitFor());
        return out;
    }

    static boolean runs(Path dir, String... argv) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(5, TimeUnit.MINUTES) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
