package dev.essay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EssayCommandTest {
    @TempDir
    Path dir;

    Path yaml;

    @BeforeEach
    void project() throws IOException {
        yaml = Cli.validProject(dir);
    }

    private Cli.Run essay(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = yaml.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return Cli.run(all);
    }

    // ---------------------------------------------------------------- help and usage

    @Test
    void helpListsEveryVerbAndTheExitCodes() {
        Cli.Run r = Cli.run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: essay", "release", "new", "init", "deploy", "switch", "rollback", "status", "history", "unlock",
                "--config=PATH", "--dry-run", "Exit codes:", "130");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void verbHelp() {
        Cli.Run r = Cli.run("deploy", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: essay deploy", "--slot=SLOT", "VERSION", "--profile", "--force");
    }

    @Test
    void releaseRefusesHereWithABranchBeforeReadingAnything() {
        Cli.Run r = essay("release", "--here", "--branch", "main");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--here packages the working tree; it cannot be combined with --branch or --commit");
    }

    @Test
    void releaseIntoAnUnknownSlotIsAUsageError() {
        Cli.Run r = essay("release", "--slot", "z", "--dry-run");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("z");
    }

    @Test
    void newRefusesAnUnknownTemplateAndWritesNothing() {
        Path target = dir.resolve("svc");
        Cli.Run r = Cli.run("new", "svc", "--template", "flask", "--dir", target.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--template 'flask' is not a template")
                .contains("--template web, --template wsgi or --template django");
        assertThat(target).doesNotExist();
    }

    @Test
    void newCreatesTheProjectAndSaysWhatToDoNext() {
        Path target = dir.resolve("svc");
        Cli.Run r = Cli.run("new", "svc", "--template", "wsgi", "--dir", target.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("src/svc/app.py").contains("essay.yaml").contains("first commit ")
                .contains("&& essay release");
        assertThat(target.resolve("src/svc/app.py")).content().contains("def application(environ, start_response)");
    }

    @Test
    void initKeepsAnExistingEssayYaml() throws IOException {
        String before = Files.readString(yaml);
        Cli.Run r = Cli.run("init", dir.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("nothing to add");
        assertThat(r.err()).contains("essay.yaml exists; kept it as it is");
        assertThat(Files.readString(yaml)).isEqualTo(before);
    }

    @Test
    void versionComesFromTheBuild() {
        Cli.Run r = Cli.run("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("essay ").doesNotContain("unknown").doesNotContain("${");
    }

    @Test
    void unknownOptionIsAUsageError() {
        Cli.Run r = Cli.run("status", "--bogus");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--bogus'");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void missingRequiredOptionIsAUsageError() {
        Cli.Run r = essay("deploy", "1.0.0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--slot");
    }

    @Test
    void noVerbPrintsUsageAndExits2() {
        Cli.Run r = Cli.run();
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Usage: essay");
    }

    // ---------------------------------------------------------------- essay.yaml

    @Test
    void missingEssayYamlNamesThePath() {
        Path missing = dir.resolve("elsewhere").resolve("essay.yaml");
        Cli.Run r = Cli.run("--config", missing.toString(), "status");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains(missing.toString());
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void configOptionIsAcceptedAfterTheVerbToo() {
        Path missing = dir.resolve("other.yaml");
        Cli.Run r = Cli.run("status", "--config", missing.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(missing.toString());
    }

    @Test
    void invalidEssayYamlPrintsEveryProblemWithItsLine() throws IOException {
        Files.writeString(yaml, Files.readString(yaml)
                .replace("    - deploy@127.0.2.12\n", "    - deploy@\n")
                .replace("process_count: 2", "process_count: 42\nparallelizm: 3"));
        Cli.Run r = essay("deploy", "1.0.0", "--slot", "a", "--dry-run");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ");
        assertThat(r.err()).containsPattern("essay\\.yaml:\\d+: roles\\.web\\[1\\]");
        assertThat(r.err()).containsPattern("essay\\.yaml:\\d+: process_count");
        assertThat(r.err()).containsPattern("essay\\.yaml:\\d+: .*parallelizm");
        assertThat(r.err()).contains("hint: ");
        assertThat(r.out()).isEmpty();
    }

    // ---------------------------------------------------------------- deploy

    @Test
    void deployRefusesAVersionThatIsNotPep440AndRunsNothing() {
        for (boolean dry : new boolean[] {true, false}) {
            Cli.Run r = dry ? essay("deploy", "1.0; rm -rf /", "--slot", "a", "--dry-run")
                    : essay("deploy", "1.0; rm -rf /", "--slot", "a");
            assertThat(r.exit()).as("dry run " + dry).isEqualTo(2);
            assertThat(r.err()).startsWith("error: ").contains("PEP 440");
            assertThat(r.out()).doesNotContain("==").doesNotContain("rm -rf");
        }
    }

    @Test
    void deployAndReleaseRefuseANonCanonicalSpellingBeforeContactingAnyHost() {
        // the hosts of the config have no sshd and the identity is no key: reaching one would be another error
        for (String[] args : new String[][] {{"deploy", "06.1.1.1", "--slot", "b"}, {"release", "--here", "--version", "06.1.1.1"},
                {"deploy", "06.1.1.1", "--slot", "b", "--dry-run"}}) {
            Cli.Run r = essay(args);
            assertThat(r.exit()).as(String.join(" ", args) + "\n" + r.all()).isEqualTo(2);
            assertThat(r.err()).startsWith("error: '06.1.1.1' is not the canonical spelling of a PEP 440 version")
                    .contains("hint: use 6.1.1.1").doesNotContain("127.0.2.");
            assertThat(r.out()).doesNotContain("==");
        }
    }

    @Test
    void deployDryRunPrintsTheScriptsOfEveryHostWithTheSecretMasked() {
        Cli.Run r = essay("deploy", "1.0.0", "--slot", "a", "--dry-run");
        assertThat(r.exit()).as(r.all()).isZero();
        for (String host : new String[] {"deploy@127.0.2.11:22", "deploy@127.0.2.12:22"}) {
            assertThat(r.out()).contains("== " + host + ": probe ==", "== " + host + ": deploy ==");
        }
        assertThat(r.out()).contains("== deploy@127.0.2.5:22: ");
        assertThat(r.out()).containsPattern("pip\"? install .*essay-sample==1\\.0\\.0");
        assertThat(r.out()).contains("deploy:********@pypi.internal:8700");
        assertThat(r.all()).doesNotContain(Cli.INDEX_SECRET);
        assertThat(r.out()).as("the config as a real run writes it: the remote shell fills in the home")
                .contains("pidfile=${HOME}/essay-sample/a/run/supervisord.pid").doesNotContain("=~/");
        assertThat(r.out()).contains("dry run");
    }

    @Test
    void globalDryRunBeforeTheVerbWorksToo() {
        Cli.Run r = Cli.run("--dry-run", "--config", yaml.toString(), "deploy", "1.0.0", "--slot", "b");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("== deploy@127.0.2.11:22: deploy ==").contains("essay-sample==1.0.0");
    }

    @Test
    void aTemplateTypoIsOneUsageErrorBeforeAnyHostIsContacted() throws IOException {
        Path template = dir.resolve("conf").resolve("supervisord.conf");
        Files.writeString(template, Files.readString(template).replaceFirst("directory=\\{\\{ run_root }}", "directory={{ slot_dri }}"));
        // the fixture's hosts do not exist and its ssh key is not a key: contacting any host would fail otherwise
        Cli.Run r = essay("deploy", "1.0.0", "--slot", "b");
        assertThat(r.exit()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: " + template + ":")
                .contains(": template: unknown placeholder 'slot_dri'; did you mean slot_dir?")
                .doesNotContain("id_test").doesNotContain("Exception");
        assertThat(r.err().split("slot_dri'", -1)).as("one message, not one per host").hasSize(2);
        assertThat(r.out()).doesNotContain("127.0.2.");
    }

    @Test
    void deployIntoAnUnknownSlotIsAUsageError() {
        Cli.Run r = essay("deploy", "1.0.0", "--slot", "z", "--dry-run");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains("'z'").contains("a, b");
        assertThat(r.out()).doesNotContain("==");
    }

    @Test
    void deployToAnUnknownRoleIsAUsageError() {
        Cli.Run r = essay("deploy", "1.0.0", "--slot", "a", "--role", "db", "--dry-run");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("'db'").contains("web");
    }

    // ---------------------------------------------------------------- repair

    @Test
    void repairDryRunPrintsTheProbeAndRedeployOfEveryHostOfTheRole() {
        Cli.Run r = essay("repair", "--dry-run");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("repair ").contains("dry run: the routers, the ledger and the hosts are not read")
                .contains("deploy@127.0.2.11").contains("deploy@127.0.2.12").contains("pip")
                .contains("==LIVE_VERSION").contains("dry run: nothing ran");
    }

    @Test
    void repairWithABatchBelowOneIsAUsageErrorBeforeAnythingIsRead() {
        Cli.Run r = essay("repair", "--batch", "0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--batch must be at least 1, not 0");
    }

    @Test
    void repairOfAnUnknownRoleIsAUsageError() {
        Cli.Run r = essay("repair", "--role", "db", "--dry-run");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("'db'");
    }

    @Test
    void anUnusableSshKeyIsAUsageErrorNotACrash() {
        // without --dry-run the CLI reads the key on the first connection; the fixture's key is not a key
        Cli.Run r = essay("status");
        assertThat(r.exit()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains("id_test").doesNotContain("internal error");
    }

    // ---------------------------------------------------------------- switch, rollback and read-only verbs

    @Test
    void switchDryRunPrintsTheRouterAndHealthScripts() {
        Cli.Run r = essay("switch", "--to", "b", "--dry-run");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("== deploy@127.0.2.5:22: ");
        assertThat(r.out()).contains("== deploy@127.0.2.11:22: ", "== deploy@127.0.2.12:22: ");
        assertThat(r.out()).contains("essay_sample");
        assertThat(r.out()).contains("dry run");
    }

    @Test
    void rollbackDryRunShowsTheScriptsOfARollbackToTheOtherSlot() {
        // a dry run reads nothing back from the router, so it shows a rollback to the slot that is not live
        Cli.Run r = essay("rollback", "--dry-run");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("showing a rollback to slot b").contains("== deploy@127.0.2.5:22: stage ==")
                .contains("would put slot b");
    }

    @Test
    void readOnlyVerbsRejectTheGlobalDryRun() {
        Cli.Run r = Cli.run("--dry-run", "--config", yaml.toString(), "status");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--dry-run applies to release, deploy, switch, rollback, adopt, repair, restart, stop,"
                + " start and exec, not to status");
        for (String verb : new String[] {"logs", "ps"}) {
            Cli.Run dry = Cli.run("--dry-run", "--config", yaml.toString(), verb);
            assertThat(dry.exit()).as(verb).isEqualTo(2);
            assertThat(dry.err()).contains("not to " + verb);
        }
    }

    // ---------------------------------------------------------------- day-2 verbs

    @Test
    void restartDryRunPrintsTheRestartAndHealthWaitOfEveryHost() {
        Cli.Run r = essay("restart", "--slot", "b", "--batch", "2", "--dry-run");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("== deploy@127.0.2.11:22: restart ==", "== deploy@127.0.2.12:22: restart ==")
                .contains("supervisorctl -c \"$CONF\" restart all").contains("# operation: wait-healthy")
                .contains("restart slot b on 2 host(s) of role web").contains("dry run: nothing ran");
        Cli.Run live = essay("restart", "--dry-run");
        assertThat(live.exit()).isEqualTo(2);
        assertThat(live.err()).contains("a dry run reads nothing from the routers, so it cannot tell which slot is live")
                .contains("hint: name the slot with --slot");
    }

    @Test
    void execPassesEachWordQuotedSoNothingIsReadAsShell() {
        Cli.Run r = essay("exec", "--slot", "a", "--hosts", "127.0.2.12", "--dry-run", "--", "python", "-c",
                "import sys; print(sys.prefix)", "$(touch /tmp/owned)'; rm -rf /");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("== deploy@127.0.2.12:22: exec ==").doesNotContain("deploy@127.0.2.11:22: exec")
                .contains("exec python -c 'import sys; print(sys.prefix)' '$(touch /tmp/owned)'\"'\"'; rm -rf /' 2>&1")
                .contains("VIRTUAL_ENV=\"$D\"").contains("PATH=\"$D/bin:$PATH\"");
        Cli.Run none = essay("exec", "--slot", "a");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("CMD");
    }

    @Test
    void stopAndStartNeedASlotAndShowTheirScripts() {
        assertThat(essay("stop").exit()).isEqualTo(2);
        assertThat(essay("stop").err()).contains("--slot");
        Cli.Run stop = essay("stop", "--slot", "b", "--dry-run");
        assertThat(stop.exit()).as(stop.all()).isZero();
        assertThat(stop.out()).contains("== deploy@127.0.2.11:22: stop ==").contains("kill -TERM");
        Cli.Run start = essay("start", "--slot", "b", "--dry-run");
        assertThat(start.exit()).as(start.all()).isZero();
        assertThat(start.out()).contains("== deploy@127.0.2.12:22: start ==").contains("supervisord started");
    }

    @Test
    void everyDayTwoVerbRefusesAnUnknownSlotRoleOrHostBeforeContactingAnything() {
        String[][] bad = {
            {"restart", "--slot", "z", "--dry-run"}, {"stop", "--slot", "z", "--dry-run"}, {"start", "--slot", "z"},
            {"exec", "--slot", "z", "--", "true"}, {"logs", "--slot", "z"}, {"ps", "--slot", "z"},
            {"restart", "--role", "db"}, {"ps", "--role", "db"}, {"logs", "--role", "db"},
            {"restart", "--slot", "b", "--hosts", "nobody@127.9.9.9"}, {"logs", "--host", "127.9.9.9"},
            {"exec", "--hosts", "127.9.9.9", "--", "true"}, {"ps", "--hosts", "127.9.9.9"},
            {"restart", "--batch", "0"}, {"logs", "--lines", "-1"}};
        for (String[] args : bad) {
            Cli.Run r = essay(args);
            assertThat(r.exit()).as(String.join(" ", args) + ": " + r.all()).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).startsWith("error: ")
                    .containsAnyOf("'z'", "'db'", "is not a host of role web", "--batch must be at least 1",
                            "--lines must be 0 or more").doesNotContain("id_test");
        }
    }

    @Test
    void historyLimitMustBePositive() {
        Cli.Run r = essay("history", "--limit", "0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--limit");
    }
}
