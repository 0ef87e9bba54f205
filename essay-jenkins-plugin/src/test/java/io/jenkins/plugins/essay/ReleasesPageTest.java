package io.jenkins.plugins.essay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.essay.core.api.DeployResult;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.api.SwitchResult;
import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.HostAddress;
import dev.essay.core.run.FleetResult;
import dev.essay.core.run.HostResult;
import hudson.model.FreeStyleBuild;
import hudson.model.Cause;
import hudson.model.FreeStyleProject;
import hudson.model.Run;
import io.jenkins.plugins.essay.plain.LedgerView;
import io.jenkins.plugins.essay.plain.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jenkins.model.TransientActionFactory;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The job's Releases page and the build summary, rendered by Jenkins from recorded releases. */
@WithJenkins
class ReleasesPageTest {
    private static final HostAddress WEB1 = HostAddress.parse("deploy@10.0.0.11");
    private static final HostAddress WEB2 = HostAddress.parse("deploy@10.0.0.12:2222");
    private static final String EVIL = "<script>alert('essay')</script>";

    private static FleetResult fleet(String action, HostResult.Status second, String error) {
        return new FleetResult(action, List.of(
                new HostResult(WEB1, HostResult.Status.OK, Duration.ofMillis(3200), "installed 1.4.0", null),
                new HostResult(WEB2, second, Duration.ofMillis(4100), null, error)));
    }

    private static void record(FreeStyleBuild build, Outcome outcome) throws Exception {
        build.addAction(new ReleaseRecord(outcome, "alice@jenkins", "Started by user alice", 1_700_000_000_000L,
                1_700_000_012_000L));
        build.save();
    }

    @Test
    void releaseRecordsAreInTheRestApiOfTheBuildTheJobAndTheReleasesPage(JenkinsRule j) throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("shop-api");
        FreeStyleBuild build = j.buildAndAssertSuccess(p);
        record(build, Outcome.deployed(new DeployResult("1.4.0", "b", "web",
                fleet("deploy", HostResult.Status.FAILED, "deploy@10.0.0.12:2222: pip-install failed"))));
        record(build, Outcome.switched(new SwitchResult("switch", "a", "b", "1.4.0",
                fleet("health of slot b", HostResult.Status.OK, null))));

        JSONObject deploy = null;
        for (Object a : j.getJSON(build.getUrl() + "api/json").getJSONObject().getJSONArray("actions")) {
            if (a instanceof JSONObject o && ReleaseRecord.class.getName().equals(o.optString("_class"))
                    && "deploy".equals(o.optString("action"))) {
                deploy = o;
            }
        }
        assertNotNull(deploy, "the build's api/json has the deploy's record among its actions");
        assertEquals("failed", deploy.getString("result"));
        assertEquals("1.4.0", deploy.getString("version"));
        assertEquals("b", deploy.getString("toSlot"));
        assertEquals("alice@jenkins", deploy.getString("user"));
        assertEquals(12_000L, deploy.getLong("durationMillis"));
        JSONObject web2 = deploy.getJSONObject("hosts").getJSONObject(WEB2.toString());
        assertEquals("failed", web2.getString("result"));
        assertTrue(web2.getString("error").contains("pip-install failed"), web2.toString());

        JSONObject live = null;
        for (Object a : j.getJSON(p.getUrl() + "api/json").getJSONObject().getJSONArray("actions")) {
            if (a instanceof JSONObject o && ReleasesPage.class.getName().equals(o.optString("_class"))) {
                live = o.getJSONObject("live");
                assertFalse(o.has("releases"), "the job's own api/json does not list every release: " + o);
            }
        }
        assertNotNull(live, "the job's api/json has the Releases page with the live release");
        assertEquals("switch", live.getString("action"));
        assertEquals("b", live.getString("toSlot"));

        JSONArray releases = j.getJSON(p.getUrl() + "essay-releases/api/json").getJSONObject().getJSONArray("releases");
        assertEquals(2, releases.size());
        assertEquals("switch", releases.getJSONObject(0).getString("action"));
        assertEquals("deploy", releases.getJSONObject(1).getString("action"));
    }

    @Test
    void listsReleasesNewestFirstWithLinksFilterAndLiveSlot(JenkinsRule j) throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("shop");
        FreeStyleBuild first = j.buildAndAssertSuccess(p);
        record(first, Outcome.deployed(new DeployResult("1.4.0", "b", "web",
                fleet("deploy", HostResult.Status.UNCHANGED, null))));
        record(first, Outcome.switched(new SwitchResult("switch", "a", "b", "1.4.0",
                fleet("health of slot b", HostResult.Status.OK, null))));

        FreeStyleBuild second = j.buildAndAssertSuccess(p);
        record(second, Outcome.deployed(new DeployResult("1.5.0", "a", "web",
                fleet("deploy", HostResult.Status.FAILED, "deploy@10.0.0.12:2222: pip-install failed\n" + EVIL))));
        record(second, Outcome.failed(SwitchRequest.to("a"),
                new EssayException(ExitCode.REFUSED, "switch refused " + EVIL, "fix slot a")));

        ReleasesPage releases = p.getAction(ReleasesPage.class);
        assertNotNull(releases, "the job shows a Releases page once a build released");
        List<ReleaseRecord> all = releases.getReleases(null);
        assertEquals(4, all.size());
        assertEquals("switch", all.get(0).getAction()); // newest first: build 2's switch, then its deploy
        assertEquals("refused", all.get(0).getResult());
        assertEquals("failed", all.get(1).getResult());
        assertEquals(1, all.get(1).getFailedHostCount());
        assertEquals("b", releases.getLive().getToSlot());
        assertEquals("1.4.0", releases.getLive().getVersion());

        JenkinsRule.WebClient wc = j.createWebClient();
        HtmlPage page = wc.getPage(p, "essay-releases/");
        String text = page.asNormalizedText();
        assertTrue(text.contains("Live: slot b running 1.4.0"), text);
        DomElement table = page.getElementById("essay-releases");
        assertNotNull(table);
        assertEquals(4, table.querySelectorAll("tr.essay-release").size());
        assertNotNull(page.getAnchorByHref("/jenkins/" + second.getUrl()), "links to the builds");
        // Escaped, not executed: the text shows, no script element carries it.
        assertTrue(text.contains("switch refused " + EVIL), text);
        assertFalse(page.getWebResponse().getContentAsString().contains(EVIL));

        HtmlPage refused = wc.getPage(p, "essay-releases/?outcome=refused");
        assertEquals(1, refused.getElementById("essay-releases").querySelectorAll("tr.essay-release").size());
        HtmlPage bogus = wc.getPage(p, "essay-releases/?outcome=" + "%3Cb%3E");
        assertEquals(4, bogus.getElementById("essay-releases").querySelectorAll("tr.essay-release").size());
        HtmlPage cancelled = wc.getPage(p, "essay-releases/?outcome=cancelled");
        assertNotNull(cancelled.getElementById("essay-none"));

        HtmlPage build = wc.getPage(second);
        assertTrue(build.asNormalizedText().contains("essay deploy 1.5.0 into slot a: failed (alice@jenkins, 12.0s)"),
                build.asNormalizedText());
        assertTrue(build.asNormalizedText().contains("essay switch to slot a: refused"), build.asNormalizedText());
    }

    @Test
    void shownForJobsWithEssayBuildStepsOnly(JenkinsRule j) throws Exception {
        FreeStyleProject plain = j.createFreeStyleProject("plain");
        assertNull(plain.getAction(ReleasesPage.class));

        FreeStyleProject rollback = j.createFreeStyleProject("shop-rollback");
        EssaySwitchBuilder back = new EssaySwitchBuilder();
        back.setRollback(true);
        rollback.getBuildersList().add(back);
        assertNotNull(rollback.getAction(ReleasesPage.class));

        FreeStyleProject deploy = j.createFreeStyleProject("shop-deploy");
        deploy.addProperty(new EssayJobProperty("shop-rollback"));
        ReleasesPage page = deploy.getAction(ReleasesPage.class);
        assertNotNull(page);
        assertEquals(rollback, page.getRollbackJob());
        HtmlPage html = j.createWebClient().getPage(deploy, "essay-releases/");
        assertNotNull(html.getElementById("essay-rollback"));
        assertNotNull(html.getElementById("essay-none"));
    }

    /**
     * A snapshot as a step keeps it: a deploy and switch from the command line, then a release (worker) and a refused
     * switch (web) by build {@code by}.
     */
    private static LedgerSnapshot snapshot(JenkinsRule j, Run<?, ?> by) throws Exception {
        String cause = "Started by user alice; " + by.getFullDisplayName() + " " + j.getURL() + by.getUrl();
        return new LedgerSnapshot(new LedgerView(List.of(
                new LedgerView.Entry("2026-12-01T10:00:00Z", "bob@laptop", "hotfix " + EVIL, "deploy", "1.4.0", "web",
                        null, "b", "ok", "2 hosts: 2 ok", null),
                new LedgerView.Entry("2026-12-01T10:01:00Z", "bob@laptop", "hotfix", "switch", "1.4.0", "web", "a", "b",
                        "ok", "2 hosts: 2 ok", null),
                new LedgerView.Entry("2026-12-01T10:02:00Z", "alice@jenkins", cause, "release", "1.5.0", "worker", null,
                        "a", "ok", "1 host: 1 ok", "packaged from branch main (1a2b3c4)"),
                new LedgerView.Entry("2026-12-01T10:03:00Z", "alice@jenkins", cause, "switch", "1.5.0", "web", "b", "a",
                        "refused", "", "lock held by carol")), 1_700_000_000_000L));
    }

    @Test
    void showsTheLedgerWithCommandLineAndBuildLinkedEntriesAndTheLiveSlotPerRole(JenkinsRule j) throws Exception {
        FreeStyleProject other = j.createFreeStyleProject("shop-deploy");
        FreeStyleBuild made = j.buildAndAssertSuccess(other);
        FreeStyleProject p = j.createFreeStyleProject("shop");
        FreeStyleBuild read = j.buildAndAssertSuccess(p);
        record(read, Outcome.deployed(new DeployResult("1.4.0", "b", "web", fleet("deploy", HostResult.Status.OK, null))));
        read.addAction(snapshot(j, made));
        read.save();
        j.buildAndAssertSuccess(p); // a newer build without a snapshot: the page looks back to the one with it

        ReleasesPage releases = p.getAction(ReleasesPage.class);
        assertNotNull(releases);
        assertEquals(read, releases.getSnapshot().getRun());

        JenkinsRule.WebClient wc = j.createWebClient();
        HtmlPage page = wc.getPage(p, "essay-releases/");
        DomElement ledger = page.getElementById("essay-ledger");
        assertNotNull(ledger, page.asNormalizedText());
        assertEquals(4, ledger.querySelectorAll("tr.essay-entry").size());
        assertEquals(2, ledger.querySelectorAll(".essay-cli").size(), "the command line's deploy and switch");
        assertNotNull(page.getAnchorByHref(j.getURL() + made.getUrl()), "links the release and the switch to the build of"
                + " the other job");
        assertEquals(2, page.getElementById("essay-live-roles").querySelectorAll("tr.essay-live-role").size());
        List<String> live = page.getElementById("essay-live-roles").querySelectorAll("tr.essay-live-role").stream()
                .map(row -> row.asNormalizedText().replaceAll("\\s+", " ")).toList();
        assertTrue(live.get(0).startsWith("worker a 1.5.0 "), live.toString());
        assertTrue(live.get(0).endsWith(made.getFullDisplayName()), "linked to the build whose release put it live: "
                + live);
        assertTrue(live.get(1).startsWith("web b 1.4.0 "), "the refused switch to a did not put a live: " + live);
        assertNull(page.getElementById("essay-releases"), "with a ledger, the builds' records are not listed");
        assertFalse(page.getWebResponse().getContentAsString().contains(EVIL));

        HtmlPage refused = wc.getPage(p, "essay-releases/?outcome=refused");
        assertEquals(1, refused.getElementById("essay-ledger").querySelectorAll("tr.essay-entry").size());

        JSONObject api = j.getJSON(p.getUrl() + "essay-releases/api/json").getJSONObject();
        JSONArray entries = api.getJSONArray("ledger");
        assertEquals(4, entries.size());
        assertEquals("refused", entries.getJSONObject(0).getString("result"));
        assertEquals(j.getURL() + made.getUrl(), entries.getJSONObject(0).getString("buildUrl"));
        assertEquals(1, api.getJSONArray("releases").size(), "the builds' records stay in the API");
    }

    @Test
    void theFactoryAddsThePageToJobsWithEssayOnlyAndOnlyForItsActionType(JenkinsRule j) throws Exception {
        ReleasesPage.Factory factory = j.jenkins.getExtensionList(TransientActionFactory.class)
                .get(ReleasesPage.Factory.class);
        assertNotNull(factory);
        assertEquals(ReleasesPage.class, factory.actionType());

        FreeStyleProject plain = j.createFreeStyleProject("plain");
        j.buildAndAssertSuccess(plain);
        assertTrue(factory.createFor(plain).isEmpty());
        assertTrue(plain.getActions(ReleasesPage.class).isEmpty());

        FreeStyleProject shop = j.createFreeStyleProject("shop");
        shop.addProperty(new EssayJobProperty(null));
        assertEquals(1, factory.createFor(shop).size());
        assertInstanceOf(ReleasesPage.class, factory.createFor(shop).iterator().next());

        FreeStyleProject pipelineLike = j.createFreeStyleProject("released-by-its-last-build");
        FreeStyleBuild b = j.buildAndAssertSuccess(pipelineLike);
        b.addAction(snapshot(j, b));
        b.save();
        assertEquals(1, factory.createFor(pipelineLike).size(), "its last build read the ledger");
    }

    @Test
    void rollbackRunsTheRollbackJobOnAPostOnly(JenkinsRule j) throws Exception {
        FreeStyleProject rollback = j.createFreeStyleProject("shop-rollback");
        FreeStyleProject deploy = j.createFreeStyleProject("shop-deploy");
        deploy.addProperty(new EssayJobProperty("shop-rollback"));
        JenkinsRule.WebClient wc = j.createWebClient();

        wc.setThrowExceptionOnFailingStatusCode(false);
        int got = wc.getPage(deploy, "essay-releases/rollback").getWebResponse().getStatusCode();
        assertEquals(405, got, "a GET is refused");
        j.waitUntilNoActivity();
        assertTrue(j.jenkins.getQueue().isEmpty());
        assertEquals(0, rollback.getBuilds().size(), "a GET schedules nothing");

        wc.setThrowExceptionOnFailingStatusCode(true);
        HtmlPage page = wc.getPage(deploy, "essay-releases/");
        HtmlForm form = page.getFormByName("rollback");
        j.submit(form);
        j.waitUntilNoActivity();
        assertEquals(1, rollback.getBuilds().size(), "the POST (with the crumb) scheduled the rollback job");
        assertNotNull(rollback.getLastBuild().getCause(Cause.UserIdCause.class));
    }

    /** A release as build.xml kept it under the plugin's earlier class names (one host of each). */
    private static final String OLD_RECORD = "<io.jenkins.plugins.essay.ReleaseAction plugin=\"essay@0.1.0\">"
            + "<action>deploy</action><result>failed</result><version>1.5.0</version><role>web</role><toSlot>a</toSlot>"
            + "<user>alice@jenkins</user><cause>Started by user alice</cause><message>1 host(s) failed</message>"
            + "<hosts>"
            + "<io.jenkins.plugins.essay.HostOutcome><host>deploy@10.0.0.11:22</host><result>ok</result>"
            + "<millis>3200</millis><detail>installed 1.5.0</detail></io.jenkins.plugins.essay.HostOutcome>"
            + "<io.jenkins.plugins.essay.plain.HostOutcome><host>deploy@10.0.0.12:2222</host><result>failed</result>"
            + "<millis>4100</millis><error>pip failed</error></io.jenkins.plugins.essay.plain.HostOutcome>"
            + "</hosts><startedAt>1700000000000</startedAt><finishedAt>1700000012000</finishedAt>"
            + "</io.jenkins.plugins.essay.ReleaseAction>";

    @Test
    void buildXmlWrittenUnderTheEarlierClassNamesStillLoads(JenkinsRule j) throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("shop");
        FreeStyleBuild b = j.buildAndAssertSuccess(p);
        Path xml = b.getRootDir().toPath().resolve("build.xml");
        String saved = Files.readString(xml);
        String old = saved.contains("<actions>") ? saved.replace("<actions>", "<actions>" + OLD_RECORD)
                : saved.replace("<actions/>", "<actions>" + OLD_RECORD + "</actions>");
        assertTrue(old.contains(OLD_RECORD), saved);
        Files.writeString(xml, old);

        b.reload();

        ReleaseRecord r = b.getAction(ReleaseRecord.class);
        assertNotNull(r, "the release recorded as io.jenkins.plugins.essay.ReleaseAction loads");
        assertEquals("deploy 1.5.0 failed", r.getAction() + " " + r.getVersion() + " " + r.getResult());
        List<io.jenkins.plugins.essay.plain.HostResult> hosts = r.getHosts();
        assertEquals(2, hosts.size());
        assertEquals("deploy@10.0.0.11:22 ok installed 1.5.0",
                hosts.get(0).getHost() + " " + hosts.get(0).getResult() + " " + hosts.get(0).getNote());
        assertEquals("deploy@10.0.0.12:2222 failed pip failed",
                hosts.get(1).getHost() + " " + hosts.get(1).getResult() + " " + hosts.get(1).getError());
        assertEquals(1, r.getFailedHostCount());
        ReleasesPage page = p.getAction(ReleasesPage.class);
        assertNotNull(page, "a job whose builds recorded releases under the old names still has its Releases page");
        assertEquals(1, page.getReleases("failed").size());
    }
}
