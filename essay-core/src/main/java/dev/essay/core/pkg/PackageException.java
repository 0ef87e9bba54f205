package dev.essay.core.pkg;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;

/** Packaging failed before anything was uploaded (source, stamping or build); the detail has the output tail. */
public class PackageException extends EssayException {
    public PackageException(ExitCode exitCode, String message, String detail, String suggestion) {
        super(exitCode, message, detail, suggestion, null);
    }
}
