package dev.essay.core.pkg;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;

/** The index already has this file: another packager took the version first (HTTP 409, or 400 "already exists"). */
public class VersionTakenException extends EssayException {
    private final String version;
    private final String fileName;

    public VersionTakenException(String version, String fileName, int status, String detail) {
        super(ExitCode.REFUSED, "the index already has " + fileName + " (version " + version + " is taken; HTTP "
                + status + ")", detail, "choose another --version, or leave --version out to take the next date version",
                null);
        this.version = version;
        this.fileName = fileName;
    }

    public String version() {
        return version;
    }

    public String fileName() {
        return fileName;
    }
}
