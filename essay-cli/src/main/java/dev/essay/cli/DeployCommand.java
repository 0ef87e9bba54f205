package dev.essay.cli;

import dev.essay.core.api.DeployRequest;
import dev.essay.core.api.DeployResult;
import dev.essay.core.api.Shard;
import dev.essay.core.Engine;
import dev.essay.core.error.ExitCode;
import dev.essay.core.event.TextRenderer;
import dev.essay.core.model.Project;
import dev.essay.core.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "deploy", mixinStandardHelpOptions = true,
        header = "Install a version into a slot on every host of a role.",
        description = "Installs VERSION of the project from the index into SLOT on every host of the role, renders the slot's supervisord config, (re)starts it and waits until every process is healthy. Hosts that already run VERSION healthily are left alone. The live slot is refused unless --force; traffic moves only with `essay switch`.")
final class DeployCommand extends Verb {
    @Parameters(index = "0", paramLabel = "VERSION", description = "PEP 440 version on the index, e.g. 1.4.0 or 1.4.0rc1")
    String version;

    @Option(names = "--slot", required = true, paramLabel = "SLOT", description = "slot to install into (see slots: in essay.yaml)")
    String slot;

    @Option(names = "--role", paramLabel = "ROLE", description = "hosts to deploy to (default: default_role)")
    String role;

    @Option(names = "--profile", paramLabel = "PROFILE", description = "profile passed to the template (default: profile in essay.yaml)")
    String profile;

    @Option(names = "--dry-run", description = "print the scripts each host would run; run nothing")
    boolean dryRun;

    @Option(names = "--force", description = "deploy even into the live slot, or when routers disagree about it")
    boolean force;

    @Option(names = "--lock", paramLabel = "ID", description = "deploy under the release lock `essay lock` holds (a sharded"
            + " release: the shards' deploys are recorded as one when the switch runs or the lock is released)")
    String lock;

    @Option(names = "--shard", paramLabel = "INDEX/COUNT", description = "deploy to one of COUNT near-equal runs of the"
            + " role's hosts, counted from 0 (0/2 and 1/2: two shards)")
    String shard;

    @Option(names = "--hosts", paramLabel = "HOST", split = ",", description = "deploy to these hosts of the role only"
            + " (user@address:port, or an address)")
    java.util.List<String> hosts;

    @Override
    int execute() {
        Project project = loadProject();
        requireSlot(project, slot);
        requireRole(project, role);
        Shard part = shard(project, role, shard, hosts);
        boolean dry = dryRun(dryRun);
        try (Transport transport = transport(project, dry)) {
            Engine engine = engine(project, transport, console);
            cancelOnInterrupt(engine);
            DeployResult result = engine.deploy(new DeployRequest(version, slot, role, profile, force).under(lock, part));
            if (dry) {
                console.out("dry run: nothing ran; the scripts above are what each host would run");
                return ExitCode.OK.code();
            }
            if (!result.ok()) {
                throw result.failure(project.index().url());
            }
            console.out(TextRenderer.deployed(result.version(), result.slot(), result.fleet()));
            return ExitCode.OK.code();
        }
    }

    /** The shard of {@code --shard} or {@code --hosts} (null: every host), checked against the role's hosts. */
    static Shard shard(Project project, String role, String shard, java.util.List<String> hosts) {
        if (shard != null && hosts != null) {
            throw usage("--shard and --hosts both choose the hosts; give one of them", null);
        }
        if (shard == null && hosts == null) {
            return null;
        }
        try {
            Shard part = shard != null ? Shard.parse(shard) : Shard.named(hosts);
            String r = role == null ? project.defaultRole() : role;
            part.select(r, project.hosts(r));
            return part;
        } catch (IllegalArgumentException e) {
            throw usage((shard != null ? "--shard: " : "--hosts: ") + e.getMessage(), null);
        }
    }
}
