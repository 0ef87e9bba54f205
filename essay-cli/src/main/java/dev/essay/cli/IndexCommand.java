package dev.essay.cli;

import dev.essay.core.error.EssayException;
import dev.essay.core.error.ExitCode;
import dev.essay.index.PackageIndexServer;
import dev.essay.index.PackageIndexServer.Credentials;
import dev.essay.core.model.Secret;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code essay index}: the embedded package index (docs/index.md). */
@Command(name = "index", mixinStandardHelpOptions = true,
        header = "Run the embedded package index (pip installs from it, twine uploads to it).",
        description = "The embedded PEP 503 / PEP 691 package index, for the sandbox and for teams without an index."
                + " See docs/index.md.",
        subcommands = IndexCommand.Serve.class)
final class IndexCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    EssayCommand essay;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("essay index: name a command, for example: essay index serve --dir DIR");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            header = "Serve a directory of wheels and sdists as a package index until Ctrl-C.",
            description = {
                "Serves DIR's distributions as a PEP 503 simple index (PEP 691 JSON too) and accepts uploads"
                        + " through the legacy upload API that twine uses. Uploads need HTTP basic auth when --user is"
                        + " given; reads are always open. An existing file is never replaced (409).",
                "The password is read from a file or an environment variable, never from the command line,"
                        + " and is never printed."})
    static final class Serve implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        IndexCommand index;

        @Option(names = "--dir", required = true, paramLabel = "DIR",
                description = "directory of distribution files; uploads are written here (must exist and be writable)")
        Path dir;

        @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
                description = "address to listen on (default: ${DEFAULT-VALUE}); the index speaks plain HTTP")
        String host;

        @Option(names = "--port", paramLabel = "PORT", defaultValue = "8700",
                description = "port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free one)")
        int port;

        @Option(names = "--user", paramLabel = "USER", description = "require HTTP basic auth as USER for uploads")
        String user;

        @Option(names = "--password-file", paramLabel = "FILE",
                description = "file whose first line is the upload password (with --user)")
        Path passwordFile;

        @Option(names = "--password-env", paramLabel = "VAR",
                description = "environment variable holding the upload password (with --user)")
        String passwordEnv;

        @Override
        public Integer call() {
            Console console = new Console(spec.commandLine().getOut(), spec.commandLine().getErr());
            boolean verbose = index != null && index.essay != null && index.essay.verbose;
            try {
                return serve(console);
            } catch (Exception e) {
                return Errors.report(console, e, verbose);
            }
        }

        private int serve(Console console) throws IOException {
            checkDir();
            Credentials auth = credentials();
            if (port < 0 || port > 65535) {
                throw usage("--port must be 0..65535, not " + port, null);
            }
            InetAddress address;
            try {
                address = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw usage("cannot resolve --host " + host, "give an IP address such as 127.0.0.1");
            }
            PackageIndexServer server;
            try {
                server = PackageIndexServer.builder(dir)
                        .bind(new InetSocketAddress(address, port))
                        .uploadAuth(auth)
                        .requestLog(r -> console.out(r.method() + " " + r.path() + " " + r.status()
                                + (r.user() == null ? "" : " (" + r.user() + ")")))
                        .start();
            } catch (BindException e) {
                throw usage("cannot listen on " + host + ":" + port + ": " + e.getMessage(),
                        "the port is taken or the address is not local; pick another with --port or --host");
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "essay-index-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                console.out("serving " + server.directory() + "\n"
                        + "  simple index (pip --index-url):       " + server.simpleUrl() + "\n"
                        + "  upload URL (twine --repository-url): " + server.uploadUrl() + "\n"
                        + (auth == null ? "  uploads: open to anyone who can reach " + host + ":" + server.port()
                                : "  uploads: HTTP basic auth as " + auth.username()) + "\n"
                        + "press Ctrl-C to stop");
                if (!address.isLoopbackAddress()) {
                    console.warn("listening on " + host + ", not loopback: the index speaks plain HTTP,"
                            + " so upload credentials cross the network unencrypted");
                }
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                server.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down (Ctrl-C): the hook closes the server
                }
            }
            console.out("stopped");
            return ExitCode.OK.code();
        }

        private void checkDir() {
            if (!Files.isDirectory(dir)) {
                throw usage("--dir " + dir + " is not a directory", "create it first, e.g. mkdir -p " + dir);
            }
            if (!Files.isWritable(dir)) {
                throw usage("--dir " + dir + " is not writable: uploads could not be stored",
                        "give this user write permission on it, or serve another directory");
            }
        }

        /** The upload credentials, or null; the password comes from a file or the environment, never argv. */
        private Credentials credentials() throws IOException {
            if (passwordFile != null && passwordEnv != null) {
                throw usage("give one of --password-file and --password-env, not both", null);
            }
            boolean password = passwordFile != null || passwordEnv != null;
            if (user == null) {
                if (password) {
                    throw usage("--password-file and --password-env need --user", null);
                }
                return null;
            }
            if (!password) {
                throw usage("--user needs --password-file FILE or --password-env VAR",
                        "the password is never given on the command line");
            }
            String secret;
            if (passwordFile != null) {
                if (!Files.isReadable(passwordFile)) {
                    throw usage("cannot read --password-file " + passwordFile, null);
                }
                List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
                secret = lines.isEmpty() ? "" : lines.get(0);
                if (secret.isEmpty()) {
                    throw usage("--password-file " + passwordFile + " is empty; its first line is the password", null);
                }
            } else {
                secret = System.getenv(passwordEnv);
                if (secret == null || secret.isEmpty()) {
                    throw usage("environment variable " + passwordEnv + " (--password-env) is not set or empty", null);
                }
            }
            try {
                return new Credentials(user, Secret.of(secret));
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage(), null);
            }
        }

        private static EssayException usage(String message, String suggestion) {
            return new EssayException(ExitCode.USAGE, message, suggestion);
        }
    }
}
