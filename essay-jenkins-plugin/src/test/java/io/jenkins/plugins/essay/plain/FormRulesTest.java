package io.jenkins.plugins.essay.plain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.essay.core.model.Names;
import io.jenkins.plugins.essay.plain.FormRules.Verdict;
import io.jenkins.plugins.essay.plain.FormRules.Verdict.Kind;
import org.junit.jupiter.api.Test;

/** The job form's rules, field by field (the descriptors only add the permission check and Jenkins' wrapping). */
class FormRulesTest {
    private static void assertVerdict(Kind kind, String message, Verdict verdict) {
        assertEquals(new Verdict(kind, message), verdict);
    }

    @Test
    void aDeployNeedsAPep440VersionOrLatest() {
        assertVerdict(Kind.ERROR, "Which version of the project to deploy (a PEP 440 version such as 1.4.0, or latest).",
                FormRules.version("  "));
        assertVerdict(Kind.OK, "The newest version on the index when the step runs (PEP 440 order); the build log"
                + " names the version it took.", FormRules.version(" latest "));
        assertVerdict(Kind.ERROR, "'newest' is not a PEP 440 version (1.4.0, 2.0.0rc1, 1.4.0.post1, ...).",
                FormRules.version("newest"));
        assertVerdict(Kind.OK, null, FormRules.version("2.0.0rc1"));
        assertVerdict(Kind.OK, null, FormRules.version("${VERSION}"));
    }

    @Test
    void aPackageVersionIsOptional() {
        assertVerdict(Kind.OK, null, FormRules.packageVersion(null));
        assertVerdict(Kind.OK, null, FormRules.packageVersion("26.12.3.1"));
        assertEquals(Kind.ERROR, FormRules.packageVersion("latest").kind());
    }

    @Test
    void aSuffixSaysTheLabelItBecomes() {
        assertVerdict(Kind.OK, "The version gets the local label +hotfix.2.", FormRules.suffix("Hotfix-2"));
        assertVerdict(Kind.ERROR, "A suffix is ASCII letters and digits, optionally separated by single '.', '-'"
                + " or '_' (fixbug, hotfix-2).", FormRules.suffix("fix bug"));
        assertVerdict(Kind.OK, null, FormRules.suffix(""));
        assertVerdict(Kind.OK, null, FormRules.suffix("${SUFFIX}"));
    }

    @Test
    void aRevisionIsNoOptionAndNoRange() {
        String error = "A git branch name or commit id: no spaces, no '..', not starting with '-'.";
        assertVerdict(Kind.ERROR, error, FormRules.revision("--upload-pack=x"));
        assertVerdict(Kind.ERROR, error, FormRules.revision("main..dev"));
        assertVerdict(Kind.ERROR, error, FormRules.revision("my branch"));
        assertVerdict(Kind.OK, null, FormRules.revision("release/1.4"));
        assertVerdict(Kind.OK, null, FormRules.revision("${GIT_COMMIT}"));
        assertVerdict(Kind.OK, null, FormRules.revision(null));
    }

    @Test
    void aSlotIsRequiredOnlyForADeploy() {
        assertVerdict(Kind.ERROR, "Which slot to deploy into (a slot of essay.yaml, such as a or b).",
                FormRules.slot("", true));
        assertVerdict(Kind.OK, null, FormRules.slot("", false));
        assertVerdict(Kind.ERROR, "'B!' is not a slot name; use 1 to 16 lower-case letters or digits, starting with a"
                + " letter (a, b, blue).", FormRules.slot("B!", false));
        assertVerdict(Kind.ERROR, "'1a' is not a slot name; use 1 to 16 lower-case letters or digits, starting with a"
                + " letter (a, b, blue).", FormRules.slot("1a", true));
        assertVerdict(Kind.OK, null, FormRules.slot("blue", true));
        assertVerdict(Kind.OK, null, FormRules.slot("${SLOT}", true));
    }

    @Test
    void aRoleOrProfileNameSaysWhatItIs() {
        assertVerdict(Kind.OK, null, FormRules.name("web_eu-1", "role"));
        assertVerdict(Kind.OK, null, FormRules.name("eu.1", "profile"));
        assertVerdict(Kind.OK, null, FormRules.name(null, "role"));
        assertVerdict(Kind.ERROR, "'pro file' is not a profile name; use " + Names.PROFILE.rule() + ".",
                FormRules.name("pro file", "profile"));
        assertVerdict(Kind.ERROR, "'.web' is not a role name; use " + Names.ROLE.rule() + ".",
                FormRules.name(".web", "role"));
        // The rule essay.yaml and the engine apply: no dots in a role.
        assertVerdict(Kind.ERROR, "'web.eu' is not a role name; use " + Names.ROLE.rule() + ".",
                FormRules.name("web.eu", "role"));
    }

    @Test
    void theConfigPathWarnsOfAbsolutePathsAndNonYaml() {
        String absolute = "An absolute path: essay.yaml is normally read relative to the workspace.";
        assertVerdict(Kind.WARNING, absolute, FormRules.config("/srv/essay.yaml"));
        assertVerdict(Kind.WARNING, absolute, FormRules.config("C:\\jobs\\essay.yaml"));
        assertVerdict(Kind.WARNING, "essay reads a YAML file (essay.yaml).", FormRules.config("essay.txt"));
        assertVerdict(Kind.OK, null, FormRules.config("deploy/essay.yml"));
        assertVerdict(Kind.OK, null, FormRules.config(""));
    }
}
