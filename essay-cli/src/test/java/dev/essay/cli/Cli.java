package dev.essay.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** Runs the essay command in-process, as a test would, with its output captured. */
final class Cli {
    /** The index password the fixture's password_file holds; it must never appear in any output. */
    static final String INDEX_SECRET = "s3cr3t-Index-Pa55word";

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Cli() {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new EssayCommand());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /**
     * Writes a valid essay.yaml into {@code dir}, with the sample's supervisord template next to it, an
     * index password file, and an ssh identity (not a real key: dry runs must not read it) and known_hosts.
     */
    static Path validProject(Path dir) throws IOException {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path sample = Path.of("..", "sample", "conf", "supervisord.conf");
        if (Files.exists(sample)) {
            Files.copy(sample, conf.resolve("supervisord.conf"));
        } else {
            Files.writeString(conf.resolve("supervisord.conf"), """
                    [supervisord]
                    pidfile={{ supervisor_pidfile }}
                    [program:{{ project }}]
                    command={{ venv_dir }}/bin/essay-sample --port={{ port }}%(process_num)d --profile={{ profile }}
                    numprocs={{ process_count }}
                    """);
        }
        Files.writeString(dir.resolve("index-password"), INDEX_SECRET + "\n");
        Files.writeString(dir.resolve("id_test"), "not a private key\n");
        Files.writeString(dir.resolve("known_hosts"), "");
        Path yaml = dir.resolve("essay.yaml");
        Files.writeString(yaml, """
                project: essay-sample
                index:
                  url: http://pypi.internal:8700/simple/
                  username: deploy
                  password_file: index-password
                roles:
                  web:
                    - deploy@127.0.2.11:22
                    - deploy@127.0.2.12
                ssh:
                  identity: id_test
                  known_hosts: known_hosts
                slots:
                  a: { port_prefix: "880" }
                  b: { port_prefix: "881" }
                process_count: 2
                venv:
                  prefix: ~/essay-sample
                supervisor:
                  template: conf/supervisord.conf
                router:
                  hosts: [deploy@127.0.2.5:22]
                  config: /etc/nginx/nginx.conf
                  upstream_file: /etc/nginx/conf.d/essay-sample.upstream.conf
                  url: http://127.0.0.1/health
                """, StandardCharsets.UTF_8);
        return yaml;
    }
}
