package dev.essay.core.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.essay.core.TestProjects;
import dev.essay.core.lock.LockHolder;
import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.core.plan.Step;
import dev.essay.core.plan.StepReport;
import dev.essay.core.transport.LocalTransport;
import dev.essay.core.transport.Session;
import java.nio.file.Files;
import java.util.List;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router scripts' shell logic, run by the local /bin/sh. nginx is replaced by a stub whose
 * {@code -t} fails when the include contains "broken" (real nginx is exercised by the integration tests).
 */
class RouterScriptsTest {
    @TempDir
    Path dir;
    private RouterScripts scripts;
    private final Session sh = new LocalTransport().open(HostAddress.parse("me@localhost"));

    @BeforeEach
    void setUp() throws Exception {
        Path stub = dir.resolve("nginx");
        Files.writeString(stub, """
                #!/bin/sh
                case "$*" in
                  *-t*) if grep -q broken "%s"; then echo 'nginx: [emerg] invalid upstream' >&2; exit 1; fi; echo 'test is successful' >&2 ;;
                  *reload*) echo reloaded >> "%s" ;;
                esac
                """.formatted(dir.resolve("upstream.conf"), dir.resolve("reloads")));
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        Project base = TestProjects.sample(dir, dir.toString());
        Project.Router r = base.router();
        Project p = new Project(base.file(), base.name(), base.index(), base.roles(), base.defaultRole(), base.ssh(),
                base.slots(), base.processCount(), base.venv(), base.profile(), base.supervisor(),
                new Project.Router(r.hosts(), r.role(), stub.toString(), r.config(), r.upstreamFile(), r.upstreamName(),
                        false, r.url(), r.stateDir()), base.health(), base.parallelism(), base.hooks());
        scripts = new RouterScripts(p);
    }

    private StepReport run(Step step) {
        return new StepReport(sh.run(step.toScript(), line -> { }));
    }

    @Test
    void theLockIsExclusiveAndNamesItsHolder() {
        LockHolder alice = new LockHolder("id-1", "alice@ci", "nightly", "deploy 1.0", "2026-11-28T03:00:00Z");
        LockHolder bob = new LockHolder("id-2", "bob@laptop", "essay command", "switch", "2026-11-28T03:01:00Z");
        assertThat(run(scripts.lock(alice)).values("acquire-lock")).containsEntry("lock", "acquired");
        var second = run(scripts.lock(bob)).values("acquire-lock");
        assertThat(second).containsEntry("lock", "held").containsEntry("holder.user", "alice@ci")
                .containsEntry("holder.started", "2026-11-28T03:00:00Z");
        assertThat(run(scripts.unlock("id-2")).values("release-lock")).containsEntry("lock", "not-ours");
        assertThat(Files.isDirectory(dir.resolve("state/lock"))).isTrue();
        assertThat(run(scripts.unlock("id-1")).values("release-lock")).containsEntry("lock", "released");
        assertThat(run(scripts.lock(bob)).values("acquire-lock")).containsEntry("lock", "acquired");
        assertThat(run(scripts.breakLock("id-1")).values("break-lock")).containsEntry("lock", "other");
        assertThat(Files.isDirectory(dir.resolve("state/lock"))).as("another holder's lock stays").isTrue();
        assertThat(run(scripts.breakLock("id-2")).values("break-lock")).containsEntry("lock", "broken").containsEntry("holder.user", "bob@laptop");
        assertThat(run(scripts.lock(alice)).values("acquire-lock")).containsEntry("lock", "acquired");
        assertThat(run(scripts.breakLock(null)).values("break-lock")).containsEntry("lock", "broken").containsEntry("holder.user", "alice@ci");
    }

    @Test
    void shardEntriesAreKeptOnceUnderTheirHeldLockAndPrintedWhenItIsBroken() {
        LockHolder hold = new LockHolder("hold-1", "ci", "job #5", "hold", "2026-12-08T01:00:00Z");
        assertThat(run(scripts.keepShard("hold-1", "{\"id\":\"e-1\"}", "e-1")).values("keep-shard"))
                .as("no lock: nothing kept").containsEntry("shard", "no-lock");
        run(scripts.lock(hold));
        assertThat(run(scripts.keepShard("other", "{\"id\":\"e-1\"}", "e-1")).values("keep-shard"))
                .as("another holder's id").containsEntry("shard", "no-lock");
        assertThat(run(scripts.keepShard("hold-1", "{\"id\":\"e-1\",\"detail\":\"it's\"}", "e-1")).values("keep-shard"))
                .containsEntry("shard", "kept");
        run(scripts.keepShard("hold-1", "{\"id\":\"e-1\",\"detail\":\"it's\"}", "e-1"));
        run(scripts.keepShard("hold-1", "{\"id\":\"e-2\"}", "e-2"));
        assertThat(run(scripts.readShards("other")).output("read-shards")).isEmpty();
        assertThat(run(scripts.readShards("hold-1")).output("read-shards").lines().toList())
                .as("a retried keep is kept once").containsExactly("shard={\"id\":\"e-1\",\"detail\":\"it's\"}", "shard={\"id\":\"e-2\"}");
        run(scripts.clearShards("hold-1"));
        assertThat(run(scripts.readShards("hold-1")).output("read-shards")).isEmpty();
        run(scripts.keepShard("hold-1", "{\"id\":\"e-3\"}", "e-3"));
        StepReport broken = run(scripts.breakLock("hold-1"));
        assertThat(broken.values("break-lock")).containsEntry("lock", "broken");
        assertThat(broken.output("break-lock")).contains("shard={\"id\":\"e-3\"}");
        assertThat(Files.exists(dir.resolve("state/lock"))).isFalse();
    }

    @Test
    void aRejectedIncludeIsRolledBackBeforeTheStepEnds() throws Exception {
        Path upstream = dir.resolve("upstream.conf");
        Files.writeString(upstream, "# essay: slot=a version=1.0.0\nupstream essay_sample { server 127.0.0.1:8100; }\n");
        StepReport report = run(scripts.stage("# essay: slot=b\nbroken\n", "switch to=b"));
        assertThat(report.ok()).isFalse();
        assertThat(report.failedOperation()).contains("test-nginx");
        assertThat(report.output("test-nginx")).contains("invalid upstream").contains("previous include is back");
        assertThat(Files.readString(upstream)).startsWith("# essay: slot=a version=1.0.0");
        assertThat(dir.resolve("state/switch.journal")).doesNotExist();
        assertThat(dir.resolve("reloads")).doesNotExist();
    }

    @Test
    void stageThenRestorePutsTheOldIncludeBackAndReloads() throws Exception {
        Path upstream = dir.resolve("upstream.conf");
        Files.writeString(upstream, "# essay: slot=a version=1.0.0\nold\n");
        assertThat(run(scripts.stage("# essay: slot=b version=2.0.0\nnew\n", "switch to=b")).ok()).isTrue();
        assertThat(Files.readString(upstream)).isEqualTo("# essay: slot=b version=2.0.0\nnew\n");
        assertThat(run(scripts.state()).values("read-state")).containsEntry("journal", "present")
                .containsEntry("journal.text", "switch to=b").containsEntry("header", "# essay: slot=b version=2.0.0");
        StepReport restore = run(scripts.restore());
        assertThat(restore.ok()).isTrue();
        assertThat(restore.values("restore-upstream")).containsEntry("restored", "yes").containsEntry("changed", "yes");
        assertThat(Files.readString(upstream)).isEqualTo("# essay: slot=a version=1.0.0\nold\n");
        assertThat(Files.readString(dir.resolve("reloads"))).isEqualTo("reloaded\n");
        assertThat(run(scripts.state()).values("read-state")).containsEntry("journal", "absent");
        assertThat(dir.resolve("upstream.conf.essay-prev")).doesNotExist();
    }

    @Test
    void restoringAFirstSwitchRemovesTheIncludeItCreated() throws Exception {
        assertThat(run(scripts.stage("# essay: slot=a version=1.0.0\nfirst\n", "switch to=a")).ok()).isTrue();
        assertThat(run(scripts.restore()).ok()).isTrue();
        assertThat(dir.resolve("upstream.conf")).doesNotExist();
    }

    /** Issue 11, defect 1: a committed switch left its backup behind, and a later cancelled switch put it back. */
    @Test
    void aCommittedSwitchLeavesNoBackupAndALaterRestoreWithoutJournalChangesNothing() throws Exception {
        Path upstream = dir.resolve("upstream.conf");
        Files.writeString(upstream, "# essay: slot=a version=1.0.0\nold\n");
        assertThat(run(scripts.stage("# essay: slot=b version=2.0.0\nnew\n", "switch to=b")).ok()).isTrue();
        assertThat(run(scripts.commit()).ok()).isTrue();
        assertThat(dir.resolve("upstream.conf.essay-prev")).doesNotExist();
        assertThat(dir.resolve("state/switch.journal")).doesNotExist();

        // the next switch is cancelled before it staged anything: restore must leave the live include alone
        StepReport restore = run(scripts.restore());
        assertThat(restore.values("restore-upstream")).containsEntry("restored", "no").containsEntry("changed", "no");
        assertThat(Files.readString(upstream)).isEqualTo("# essay: slot=b version=2.0.0\nnew\n");
        assertThat(dir.resolve("reloads")).doesNotExist();
    }

    @Test
    void aBackupNoJournalNamesIsRemovedUnderTheLockAndNeverRestored() throws Exception {
        Path upstream = dir.resolve("upstream.conf");
        Files.writeString(upstream, "# essay: slot=b version=2.0.0\nlive\n");
        Files.writeString(dir.resolve("upstream.conf.essay-prev"), "# essay: slot=a version=1.0.0\nstale\n");
        assertThat(run(scripts.restore()).values("restore-upstream")).containsEntry("restored", "no");
        assertThat(Files.readString(upstream)).contains("live");
        LockHolder alice = new LockHolder("id-1", "alice@ci", "nightly", "switch", "2026-11-28T03:00:00Z");
        assertThat(run(scripts.lock(alice)).values("acquire-lock")).containsEntry("lock", "acquired");
        assertThat(dir.resolve("upstream.conf.essay-prev")).doesNotExist();
    }

    @Test
    void aStagedButUnchangedIncludeIsNotReloadedOnRestore() throws Exception {
        Path upstream = dir.resolve("upstream.conf");
        String same = "# essay: slot=a version=1.0.0\nsame\n";
        Files.writeString(upstream, same);
        assertThat(run(scripts.stage(same, "switch to=a")).ok()).isTrue();
        assertThat(run(scripts.restore()).values("restore-upstream")).containsEntry("restored", "yes")
                .containsEntry("changed", "no");
        assertThat(dir.resolve("reloads")).doesNotExist();
    }

    @Test
    void stagingRefusesWhileAnInterruptedSwitchIsNotUndone() throws Exception {
        Path upstream = dir.resolve("upstream.conf");
        Files.writeString(upstream, "# essay: slot=a version=1.0.0\nold\n");
        assertThat(run(scripts.stage("# essay: slot=b\nnew\n", "switch to=b")).ok()).isTrue();
        StepReport again = run(scripts.stage("# essay: slot=a\nother\n", "switch to=a"));
        assertThat(again.ok()).isFalse();
        assertThat(again.output("stage-upstream")).contains("interrupted switch");
        assertThat(Files.readString(dir.resolve("upstream.conf.essay-prev"))).contains("old");
    }

    @Test
    void theStateListsTheIncludesServers() throws Exception {
        Files.writeString(dir.resolve("upstream.conf"), "upstream essay_sample {\n    server 10.0.0.1:8100 weight=2;\n"
                + "  server [::1]:8101;\n}\nserver {\n    listen 127.0.0.1:8399;\n}\n");
        assertThat(run(scripts.state()).output("read-state").lines().filter(l -> l.startsWith("server=")).toList())
                .containsExactly("server=10.0.0.1:8100", "server=[::1]:8101", "server={");
    }

    @Test
    void theLedgerAppendsLinesVerbatim() {
        String json = "{\"action\":\"deploy\",\"detail\":\"it's $(not) run\",\"id\":\"e1\"}";
        assertThat(run(scripts.appendLedger(json, "e1")).ok()).isTrue();
        assertThat(run(scripts.appendLedger("{\"n\":2,\"id\":\"e2\"}", "e2")).ok()).isTrue();
        assertThat(run(scripts.readLedger(10)).output("read-ledger")).isEqualTo(json + "\n{\"n\":2,\"id\":\"e2\"}\n");
        assertThat(run(scripts.readLedger(1)).output("read-ledger")).isEqualTo("{\"n\":2,\"id\":\"e2\"}\n");
    }

    @Test
    void aRetriedAppendIsWrittenOnceAndATornLineDoesNotSwallowTheNext() throws Exception {
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("state/ledger.jsonl"), "{\"id\":\"e0\"}\n{\"torn");
        assertThat(run(scripts.appendLedger("{\"id\":\"e1\"}", "e1")).ok()).isTrue();
        assertThat(run(scripts.appendLedger("{\"id\":\"e1\"}", "e1")).output("append-ledger")).contains("already recorded");
        assertThat(Files.readString(dir.resolve("state/ledger.jsonl"))).isEqualTo("{\"id\":\"e0\"}\n{\"torn\n{\"id\":\"e1\"}\n");
    }

    @Test
    void theSwitchesOfTheLedgerAreItsReleaseSwitchRollbackAndAdoptEntriesNewestLast() {
        String deploy = new dev.essay.core.ledger.LedgerEntry("t1", "u", "c", "deploy", "2.0.0", "web", null, "b", "ok",
                List.of(), "detail says \"action\":\"switch\"").withId("e1").toJson();
        String switched = new dev.essay.core.ledger.LedgerEntry("t2", "u", "c", "switch", "2.0.0", "web", "a", "b", "ok",
                List.of(), null).withId("e2").toJson();
        String repair = new dev.essay.core.ledger.LedgerEntry("t3", "u", "c", "repair", "2.0.0", "web", null, "b", "ok",
                List.of(), null).withId("e3").toJson();
        String rollback = new dev.essay.core.ledger.LedgerEntry("t4", "u", "c", "rollback", "1.0.0", "web", "b", "a",
                "undone", List.of(), null).withId("e4").toJson();
        String pkg = new dev.essay.core.ledger.LedgerEntry("t5", "u", "c", "package", "3.0.0", "web", null, null, "ok",
                List.of(), "branch main").withId("e5").toJson();
        String release = new dev.essay.core.ledger.LedgerEntry("t6", "u", "c", "release", "3.0.0", "web", "b", "a", "ok",
                List.of(), "packaged from branch main (1a2b3c4)").withId("e6").toJson();
        for (String e : List.of(deploy, switched, repair, rollback, pkg, release)) {
            assertThat(run(scripts.appendLedger(e, e.replaceAll(".*\"id\":\"(e[0-9])\".*", "$1"))).ok()).isTrue();
        }
        assertThat(run(scripts.switches(10)).output("read-switches")).isEqualTo(switched + "\n" + rollback + "\n" + release
                + "\n");
        assertThat(run(scripts.switches(1)).output("read-switches")).isEqualTo(release + "\n");
    }

    @Test
    void aLedgerNotWrittenYetHasNoSwitches() {
        StepReport r = run(scripts.switches(10));
        assertThat(r.ok()).isTrue();
        assertThat(r.output("read-switches")).isEmpty();
    }
}
