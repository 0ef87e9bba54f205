package dev.essay.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** essay-core is the engine: no front end in it, its packages form no cycles, and the facade {@code Engine} is on top. */
@AnalyzeClasses(packages = "dev.essay.core", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule noFrontEnds = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("picocli..", "hudson..", "jenkins..", "org.kohsuke..", "dev.essay.cli..", "io.jenkins..");

    @ArchTest
    static final ArchRule noCycles = slices().matching("dev.essay.core.(*)..").should().beFreeOfCycles();

    /** The facade sits on top: the flows and records below it never reach back to {@code Engine}. */
    @ArchTest
    static final ArchRule facadeOnTop = noClasses().that().resideOutsideOfPackage("dev.essay.core")
            .should().dependOnClassesThat().resideInAPackage("dev.essay.core");

    @ArchTest
    static final ArchRule nothingPrintsToTheConsole = noClasses().should().accessField(System.class, "out")
            .orShould().accessField(System.class, "err")
            .because("the engine reports through EngineListener; front ends decide what to print");
}
