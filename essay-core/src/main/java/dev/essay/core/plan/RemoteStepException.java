package dev.essay.core.plan;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.HostAddress;

/** An operation failed on a host: carries the host, the operation, its exit status and remote output. */
public class RemoteStepException extends EssayException {
    private final HostAddress host;
    private final String operation;
    private final int exitStatus;

    public RemoteStepException(HostAddress host, String operation, int exitStatus, String remoteOutput, String suggestion) {
        super(ExitCode.PARTIAL_FAILURE, host + ": " + operation + " failed (exit " + exitStatus + ")", remoteOutput,
                suggestion, null);
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
