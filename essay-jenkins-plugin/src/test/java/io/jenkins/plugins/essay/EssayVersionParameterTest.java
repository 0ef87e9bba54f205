package io.jenkins.plugins.essay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.essay.core.pkg.IndexClient;
import dev.essay.index.PackageIndexServer;
import hudson.cli.CLICommandInvoker;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.ParameterDefinition;
import hudson.model.ParametersAction;
import hudson.model.ParametersDefinitionProperty;
import hudson.model.StringParameterValue;
import hudson.tasks.Shell;
import hudson.util.ListBoxModel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.structs.SymbolLookup;
import org.jenkinsci.plugins.structs.describable.DescribableModel;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The "essay version" build parameter against a real in-process index holding versions 1.9.0 and 1.10.0 of the
 * sample project (1.10.0 is the newer by PEP 440, the older by string order): the drop-down, "latest", a typed
 * version that is not there, the configuration round trip and the Pipeline symbol.
 */
@WithJenkins
class EssayVersionParameterTest {
    private static final String NAME = "ESSAY_VERSION";
    private static final String PROJECT = "essay-sample";

    @TempDir
    Path tmp;

    private JenkinsRule j;
    private PackageIndexServer index;

    @BeforeEach
    void setUp(JenkinsRule j) throws Exception {
        this.j = j;
        index = PackageIndexServer.start(Files.createDirectories(tmp.resolve("index")),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        IndexClient client = new IndexClient(index.simpleUrl().toString(), index.uploadUrl().toString(), null, null);
        for (String version : List.of("1.9.0", "1.10.0")) {
            Path wheel = tmp.resolve("essay_sample-" + version + "-py3-none-any.whl");
            Files.writeString(wheel, "wheel " + version, StandardCharsets.UTF_8);
            client.upload(PROJECT, version, wheel, IndexClient.sha256(wheel));
        }
    }

    @AfterEach
    void tearDown() {
        if (index != null) {
            index.close();
        }
    }

    private EssayVersionParameter parameter() {
        return new EssayVersionParameter(NAME, index.simpleUrl().toString(), PROJECT);
    }

    private FreeStyleProject job() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("app");
        p.addProperty(new ParametersDefinitionProperty(parameter()));
        p.getBuildersList().add(new Shell("echo \"deploying $" + NAME + "\""));
        return p;
    }

    @Test
    void configRoundTrip() throws Exception {
        EssayVersionParameter before = parameter();
        before.setIndexCredentialsId("index-read");
        before.setDescription("which version to release");
        FreeStyleProject p = j.createFreeStyleProject("app");
        p.addProperty(new ParametersDefinitionProperty(before));
        j.configRoundtrip(p);
        ParameterDefinition after = p.getProperty(ParametersDefinitionProperty.class).getParameterDefinition(NAME);
        j.assertEqualDataBoundBeans(before, after);
        assertEquals(before, after);
    }

    @Test
    void theDropDownListsTheVersionsNewestFirstAfterLatest() throws Exception {
        FreeStyleProject p = job();
        EssayVersionParameter.DescriptorImpl descriptor =
                j.jenkins.getDescriptorByType(EssayVersionParameter.DescriptorImpl.class);
        ListBoxModel items = descriptor.doFillValueItems(p, NAME);
        assertEquals(List.of("latest", "1.10.0", "1.9.0"), items.stream().map(o -> o.value).toList());
        assertEquals(0, descriptor.doFillValueItems(p, "NO_SUCH_PARAMETER").size());
    }

    @Test
    void latestBuildsTheNewestVersion() throws Exception {
        FreeStyleBuild build = j.buildAndAssertSuccess(job());
        StringParameterValue value = (StringParameterValue) build.getAction(ParametersAction.class).getParameter(NAME);
        assertEquals("1.10.0", value.getValue());
        assertEquals("latest: 1.10.0, the newest version of essay-sample on " + index.simpleUrl(),
                value.getDescription());
        j.assertLogContains("deploying 1.10.0", build);
    }

    @Test
    void aVersionNotOnTheIndexDoesNotStartABuild() throws Exception {
        FreeStyleProject p = job();
        CLICommandInvoker.Result result = new CLICommandInvoker(j, "build").invokeWithArgs("app", "-p", NAME + "=9.9.9");
        assertEquals(3, result.returnCode(), result.stderr()); // IllegalArgumentException
        assertTrue(result.stderr().contains("ESSAY_VERSION: essay version '9.9.9' of essay-sample is not on the index "
                + index.simpleUrl() + "; choose one of 'latest', 1.10.0, 1.9.0"), result.stderr());
        assertEquals(0, p.getBuilds().size());

        CLICommandInvoker.Result ok = new CLICommandInvoker(j, "build").invokeWithArgs("-s", "app", "-p", NAME + "=1.9.0");
        assertEquals(0, ok.returnCode(), ok.stderr());
        j.assertLogContains("deploying 1.9.0", p.getLastBuild());
    }

    @Test
    void anUnreachableIndexIsAClearError() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("app");
        p.addProperty(new ParametersDefinitionProperty(new EssayVersionParameter(NAME, "http://127.0.0.1:1/simple/",
                PROJECT)));
        CLICommandInvoker.Result result = new CLICommandInvoker(j, "build").invokeWithArgs("app", "-p", NAME + "=latest");
        assertEquals(4, result.returnCode(), result.stderr()); // IllegalStateException
        assertTrue(result.stderr().contains("ESSAY_VERSION: cannot read the versions of essay-sample from the index"
                + " http://127.0.0.1:1/simple/"), result.stderr());
    }

    @Test
    void pipelineParamsAndSymbol() throws Exception {
        assertInstanceOf(EssayVersionParameter.DescriptorImpl.class,
                SymbolLookup.get().find(ParameterDefinition.ParameterDescriptor.class, "essayVersion"));
        EssayVersionParameter fromPipeline = DescribableModel.of(EssayVersionParameter.class).instantiate(Map.of(
                "name", NAME, "indexUrl", index.simpleUrl().toString(), "project", PROJECT));
        assertEquals(parameter(), fromPipeline);

        WorkflowJob p = j.createProject(WorkflowJob.class, "pipeline");
        p.addProperty(new ParametersDefinitionProperty(fromPipeline));
        p.setDefinition(new CpsFlowDefinition("echo \"deploying ${params." + NAME + "}\"", true));
        WorkflowRun run = j.buildAndAssertSuccess(p);
        j.assertLogContains("deploying 1.10.0", run);
    }
}
