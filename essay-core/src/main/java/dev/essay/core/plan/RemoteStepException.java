package dev.essay.core.plan;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.HostAddress;

/** An operation failed on a host: carries the host, the operation, its exit status and remote output. */
public class RemoteStepException extends EssayException {
    /** The exit status of a step whose connection ended before the remote shell reported one. */
    public static final int NO_EXIT_STATUS = -1;

    private final HostAddress host;
    private final String operation;
    private final int exitStatus;

    public RemoteStepException(HostAddress host, String operation, int exitStatus, String remoteOutput, String suggestion) {
        super(ExitCode.PARTIAL_FAILURE, exitStatus == NO_EXIT_STATUS
                        ? host + ": the connection was lost during " + operation + " (no exit status)"
                        : host + ": " + operation + " failed (exit " + exitStatus + ")", remoteOutput,
                exitStatus == NO_EXIT_STATUS ? "check that " + host + " and its sshd are up; " + operation
                        + " may have run partly, so run the same command again once the host answers" : suggestion, null);
        this.host = host;
        this.operation = operation;
        this.exitStatus = exitStatus;
    }

    /** Builds the exception from a failed step, with the failing operation's output and stderr tail. */
    public static RemoteStepException of(HostAddress host, StepReport report, String suggestion) {
        String op = report.failedOperation().orElse(report.result().exitStatus() == 0 ? "?" : "step");
        String opOutput = report.output(op).strip();
        String stderr = report.result().stderr().strip();
        String text = (opOutput + (stderr.isEmpty() ? "" : "\n" + stderr)).strip();
        String[] lines = text.split("\n");
        int from = Math.max(0, lines.length - 30);
        return new RemoteStepException(host, op, report.result().exitStatus(),
                String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length)), suggestion);
    }

    public HostAddress host() {
        return host;
    }

    public String operation() {
        return operation;
    }

    public int exitStatus() {
        return exitStatus;
    }
}
