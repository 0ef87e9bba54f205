package dev.essay.core.pkg;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/** Reads the index password from where essay.yaml points (environment variable or file). */
public final class IndexCredentials {
    private IndexCredentials() {
    }

    /** The password, or null when the index needs none. */
    public static Secret password(Project project) {
        Project.Index index = project.index();
        if (index.passwordEnv() != null) {
            String value = System.getenv(index.passwordEnv());
            if (value == null || value.isEmpty()) {
                throw new EssayException(ExitCode.USAGE, "index.password_env names " + index.passwordEnv()
                        + ", which is not set", "export " + index.passwordEnv() + " before running essay");
            }
            return Secret.of(value);
        }
        if (index.passwordFile() != null) {
            try {
                return Secret.of(Files.readString(index.passwordFile(), StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new EssayException(ExitCode.USAGE, "index.password_file: cannot read " + index.passwordFile(),
                        "create it (mode 600) or fix the path in " + project.fileName());
            }
        }
        return null;
    }
}
