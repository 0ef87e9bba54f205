package dev.essay.cli;

import dev.essay.fleet.LocalCommand;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The essay command in its own JVM (so it can be signalled), output to a file in {@code dir}. */
record Child(Process process, Path outputFile) {
    static Child start(Path dir, Path essayYaml, String... args) throws Exception {
        return start(dir, Map.of(), essayYaml, args);
    }

    /** @param env variables added to this JVM's environment for the child */
    static Child start(Path dir, Map<String, String> env, Path essayYaml, String... args) throws Exception {
        Path out = Files.createTempFile(dir, "essay-", ".out");
        List<String> argv = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--config", essayYaml.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(env);
        return new Child(builder.start(), out);
    }

    void signal(String signal) {
        LocalCommand.run(List.of("kill", "-" + signal, Long.toString(process.pid())), Duration.ofSeconds(10)).orThrow();
    }

    int waitFor() throws InterruptedException {
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("essay did not exit: " + output());
        }
        return process.exitValue();
    }

    String output() {
        try {
            return Files.readString(outputFile, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "(no output: " + e + ")";
        }
    }
}
