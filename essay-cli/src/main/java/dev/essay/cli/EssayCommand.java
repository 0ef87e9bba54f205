package dev.essay.cli;

import dev.essay.core.config.ProjectLoader;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.Project;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code essay} command: global options, and one subcommand per verb. Every verb is thin over
 * {@link dev.essay.core.Engine}: it parses input, builds the engine, renders its events and maps
 * errors to the documented exit codes (docs/cli.md).
 */
@Command(name = "essay",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Releases a Python web service: deploys a version into a side-by-side slot, switches nginx to it,"
                + " rolls back. Reads essay.yaml (see docs/essay-yaml.md).",
        subcommands = {
            NewCommand.class,
            InitCommand.class,
            ReleaseCommand.class,
            DeployCommand.class,
            SwitchCommand.class,
            RollbackCommand.class,
            AdoptCommand.class,
            RepairCommand.class,
            RestartCommand.class,
            StopCommand.class,
            StartCommand.class,
            ExecCommand.class,
            LogsCommand.class,
            PsCommand.class,
            StatusCommand.class,
            HistoryCommand.class,
            LockCommand.class,
            UnlockCommand.class,
            PackageCommand.class,
            VersionsCommand.class,
            IndexCommand.class,
            HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n")
public class EssayCommand implements Callable<Integer> {
    static final String DEFAULT_CONFIG = "essay.yaml";

    CommandSpec spec;

    /** picocli injects the spec here; the help's exit-code list comes from {@link ExitCode}, the one source. */
    @Spec
    void spec(CommandSpec spec) {
        this.spec = spec;
        spec.usageMessage().exitCodeList(exitCodeList());
    }

    /** The exit codes and their descriptions, in code order, for {@code --help}. */
    static Map<String, String> exitCodeList() {
        Map<String, String> list = new LinkedHashMap<>();
        for (ExitCode code : ExitCode.values()) {
            list.put(Integer.toString(code.code()), code.description());
        }
        return list;
    }

    @Option(names = "--config", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "essay.yaml to read (default: essay.yaml in the current directory)")
    Path config;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "print stack traces of internal errors")
    boolean verbose;

    @Option(names = "--dry-run",
            description = "release, deploy, switch, rollback, adopt, repair, restart, stop, start, exec: print the scripts each host would run; run nothing")
    boolean dryRun;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("essay: name a command, for example: essay status");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }

    /** The essay.yaml path, absolute. */
    Path configPath() {
        return (config == null ? Path.of(DEFAULT_CONFIG) : config).toAbsolutePath().normalize();
    }

    /** Reads and validates essay.yaml; nothing runs when it is missing or invalid (ConfigException names the path). */
    Project loadProject() {
        return ProjectLoader.load(configPath());
    }
}
