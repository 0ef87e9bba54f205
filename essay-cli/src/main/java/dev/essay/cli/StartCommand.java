package dev.essay.cli;

import picocli.CommandLine.Command;

@Command(name = "start", mixinStandardHelpOptions = true,
        header = "Start a slot that is not live.",
        description = "Under the release lock, starts the slot's supervisord on every host of the role (or --hosts) where it is not running, and waits until every process is healthy (the health check a deploy waits for). The live slot is refused unless --force.")
final class StartCommand extends StopCommand {
    @Override
    boolean starting() {
        return true;
    }
}
