package dev.essay.core.deploy;

import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import dev.essay.core.model.Secret;
import dev.essay.core.plan.Operation;
import dev.essay.core.plan.Step;
import dev.essay.core.shell.Shell;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The remote operations on one slot of one host. Pure: renders shell, runs nothing. Every value
 * from outside (paths, names, versions, URLs) reaches the shell through {@link Shell#quote}.
 */
public final class SlotScripts {
    private final Project project;

    public SlotScripts(Project project) {
        this.project = project;
    }

    /**
     * Prints {@code deploying.version=...} while the slot's last deploy has not finished: the marker is written before
     * the slot is changed and removed by the stamp, the deploy's last operation, so a deploy that failed, was cancelled
     * or was killed leaves it behind, and a switch refuses such a slot.
     */
    private static final String READ_DEPLOYING = "if [ -f \"$D/.essay-deploying\" ]; then sed -n 's/^version=/deploying.version=/p'"
            + " \"$D/.essay-deploying\"; fi";

    /** Shell variable assignments every step on a slot starts with. */
    String prelude(String slot) {
        String dir = project.venv().slotDir(slot);
        return "D=" + Shell.path(dir) + "\n"
                + "PIDFILE=\"$D/run/supervisord.pid\"\n"
                + "CONF=\"$D/etc/supervisord.conf\"";
    }

    /** Read-only: what is installed in the slot, whether it runs, whether it answers. */
    public Step probe(HostAddress host, String slot) {
        return probe(host, slot, false);
    }

    /**
     * The probe; with {@code installed}, also the version of the project the slot's virtualenv has installed now
     * ({@code installed=X} under {@code read-installed}; nothing when it has none), whoever installed it.
     */
    public Step probe(HostAddress host, String slot, boolean installed) {
        List<Operation> ops = new ArrayList<>();
        ops.add(Operation.of("read-slot", String.join("\n",
                "printf 'home=%s\\n' \"$HOME\"",
                "printf 'dir=%s\\n' \"$D\"",
                "if [ -x \"$D/bin/python\" ]; then echo venv=yes; else echo venv=no; fi",
                "if [ -f \"$D/.essay-deployed\" ]; then sed -n 's/^\\(version\\|config\\|profile\\)=/stamp.\\1=/p' \"$D/.essay-deployed\"; fi",
                READ_DEPLOYING,
                "if [ -f \"$PIDFILE\" ] && kill -0 \"$(cat \"$PIDFILE\")\" 2>/dev/null; then echo supervisord=running; else echo supervisord=stopped; fi")));
        ops.add(Operation.of("check-health", "if [ -x \"$D/bin/python\" ]; then\n"
                + HealthCheck.shell("\"$D/bin/python\"", project.health(), urls(host, slot), null, null, 1, 1, " || true")
                + "\nfi"));
        if (installed) {
            ops.add(Operation.of("read-installed", "if [ -x \"$D/bin/python\" ] && v=$(" + readInstalled()
                    + " 2>/dev/null); then printf 'installed=%s\\n' \"$v\"; fi"));
        }
        return new Step("probe", prelude(slot), ops);
    }

    /**
     * Installs {@code version} into the slot and (re)starts it, then waits until every process passes the
     * health check. Never touches another slot.
     */
    public Step deploy(HostAddress host, String slot, String version, SupervisorConfig.Rendered config, String profile,
                       Secret indexPassword) {
        return deploy(host, slot, version, config, profile, indexPassword, null);
    }

    /**
     * The deploy, with the proxy pip uses when essay.yaml names a variable or file holding it ({@code pipProxy}, which
     * may hold credentials: it travels in the script on stdin, as a variable of pip's environment, masked in dry runs).
     */
    public Step deploy(HostAddress host, String slot, String version, SupervisorConfig.Rendered config, String profile,
                       Secret indexPassword, Secret pipProxy) {
        List<Operation> ops = new ArrayList<>();
        ops.add(Operation.of("mark-deploying", String.join("\n",
                "mkdir -p \"$D\"",
                "printf 'version=%s\\ntime=%s\\n' " + Shell.quote(version) + " \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" > \"$D/.essay-deploying.tmp\"",
                "mv -f \"$D/.essay-deploying.tmp\" \"$D/.essay-deploying\"",
                "echo " + Shell.quote("deploying " + version))));
        ops.add(Operation.of("ensure-venv", String.join("\n",
                "mkdir -p \"$D\"",
                "if [ ! -x \"$D/bin/python\" ] || [ ! -x \"$D/bin/pip\" ]; then",
                "  " + Shell.quote(project.venv().python()) + " -m venv" + (project.venv().systemSitePackages()
                        ? " --system-site-packages" : "") + " \"$D\"",
                "fi",
                // venv.system_site_packages changed since the venv was made: say so in pyvenv.cfg, which Python reads
                "if ! grep -qx " + Shell.quote("include-system-site-packages = " + project.venv().systemSitePackages())
                        + " \"$D/pyvenv.cfg\"; then",
                "  sed -i.essay-prev 's/^include-system-site-packages *=.*/include-system-site-packages = "
                        + project.venv().systemSitePackages() + "/' \"$D/pyvenv.cfg\"",
                "fi",
                "mkdir -p \"$D/etc\" \"$D/run\" \"$D/logs\" \"$D/tmp\"",
                "\"$D/bin/python\" --version")));
        ops.add(pipInstall(version, indexPassword, pipProxy));
        // pip installs the release PEP 440 calls equal (6.1.2.2 for 6.1.2.2.0): the stamp records what it installed
        ops.add(Operation.of("installed-version", String.join("\n",
                "v=$(" + readInstalled() + ")",
                "printf '%s\\n' \"$v\" > \"$D/.essay-installed\"",
                "printf 'installed=%s\\n' \"$v\"")));
        ops.add(stopSlot());
        String delimiter = "ESSAY_SUPERVISORD_CONF_" + config.digest().substring(0, 12);
        ops.add(new Operation("write-config",
                writeConfig(config.text(), delimiter), writeConfig(config.display(), delimiter)));
        if (!config.files().isEmpty()) {
            ops.add(writeFiles(config));
        }
        for (int i = 0; i < project.hooks().preDeploy().size(); i++) {
            ops.add(hook("pre-deploy-" + (i + 1), project.hooks().preDeploy().get(i), slot, version, profile));
        }
        ops.add(Operation.of("start-slot", startSupervisord()));
        ops.add(waitHealthy(host, slot, version));
        for (int i = 0; i < project.hooks().postDeploy().size(); i++) {
            ops.add(hook("post-deploy-" + (i + 1), project.hooks().postDeploy().get(i), slot, version, profile));
        }
        ops.add(Operation.of("stamp", String.join("\n",
                "v=$(cat \"$D/.essay-installed\")",
                "tmp=\"$D/.essay-deployed.tmp\"",
                "printf 'version=%s\\nconfig=%s\\nprofile=%s\\ntime=%s\\n' \"$v\" "
                        + Shell.quote(config.digest()) + " " + Shell.quote(profile) + " \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" > \"$tmp\"",
                "mv -f \"$tmp\" \"$D/.essay-deployed\"",
                "rm -f \"$D/.essay-deploying\"",
                "echo \"deployed $v\"")));
        return new Step("deploy", prelude(slot), ops);
    }

    /** Prints the version of the project installed in the slot's virtualenv (importlib.metadata, Python 3.8+). */
    private String readInstalled() {
        return "\"$D/bin/python\" -c 'import importlib.metadata,sys; print(importlib.metadata.version(sys.argv[1]))' "
                + Shell.quote(project.name());
    }

    /** Read-only health of a slot (for switch and status): one attempt per process port. */
    public Step health(HostAddress host, String slot, String expectedVersion, int retries) {
        return new Step("health", prelude(slot), List.of(
                Operation.of("read-slot", String.join("\n",
                        "if [ -f \"$D/.essay-deployed\" ]; then sed -n 's/^\\(version\\|profile\\)=/stamp.\\1=/p' \"$D/.essay-deployed\"; fi",
                        READ_DEPLOYING,
                        "if [ -f \"$PIDFILE\" ] && kill -0 \"$(cat \"$PIDFILE\")\" 2>/dev/null; then echo supervisord=running; else echo supervisord=stopped; fi")),
                Operation.of("check-health", "if [ ! -x \"$D/bin/python\" ]; then echo 'FAIL health url=- status=- slot=- version=- problem=slot not deployed'; exit 1; fi\n"
                        + HealthCheck.shell("\"$D/bin/python\"", project.health(), urls(host, slot), slot, expectedVersion, retries, 1, ""))));
    }

    /** Read-only state of a slot for {@code essay status}: stamp, supervisord, process states, health. */
    public Step status(HostAddress host, String slot) {
        return new Step("status", prelude(slot), List.of(
                Operation.of("read-slot", String.join("\n",
                        "if [ -f \"$D/.essay-deployed\" ]; then sed -n 's/^\\(version\\|profile\\|time\\)=/stamp.\\1=/p' \"$D/.essay-deployed\"; fi",
                        READ_DEPLOYING,
                        "if [ -f \"$PIDFILE\" ] && kill -0 \"$(cat \"$PIDFILE\")\" 2>/dev/null; then echo supervisord=running; else echo supervisord=stopped; fi")),
                Operation.of("process-states", "if [ -f \"$PIDFILE\" ] && kill -0 \"$(cat \"$PIDFILE\")\" 2>/dev/null; then "
                        + Shell.quote(project.supervisor().supervisorctl()) + " -c \"$CONF\" status 2>&1 || true; fi"),
                Operation.of("check-health", "if [ -x \"$D/bin/python\" ]; then\n"
                        + HealthCheck.shell("\"$D/bin/python\"", project.health(), urls(host, slot), slot, null, 1, 1, " || true")
                        + "\nfi")));
    }

    private Operation pipInstall(String version, Secret indexPassword, Secret pipProxy) {
        URI index = URI.create(project.index().url());
        Project.Pip pip = project.pip();
        String requirement = project.name() + "==" + version;
        List<String> lines = new ArrayList<>();
        lines.add("PIP_INDEX_URL=" + Shell.quote(indexUrl(index, indexPassword, false)));
        lines.add("export PIP_INDEX_URL");
        List<String> trusted = new ArrayList<>();
        if (project.index().trustedHost()) {
            trusted.add(index.getHost());
        }
        trusted.addAll(pip.trustedHosts());
        if (!trusted.isEmpty()) {
            lines.add("PIP_TRUSTED_HOST=" + Shell.quote(String.join(" ", trusted)));
            lines.add("export PIP_TRUSTED_HOST");
        }
        if (!pip.extraIndexUrls().isEmpty()) {
            lines.add("PIP_EXTRA_INDEX_URL=" + Shell.quote(String.join(" ", pip.extraIndexUrls())));
            lines.add("export PIP_EXTRA_INDEX_URL");
        }
        String proxy = pipProxy != null ? pipProxy.reveal() : pip.proxy();
        if (proxy != null) {
            lines.add("PIP_PROXY=" + Shell.quote(proxy));
            lines.add("export PIP_PROXY");
        }
        lines.add("\"$D/bin/pip\" install --disable-pip-version-check --no-input --progress-bar off "
                + Shell.quote(requirement) + " 2>&1");
        String script = String.join("\n", lines);
        String display = script.replace(Shell.quote(indexUrl(index, indexPassword, false)),
                Shell.quote(indexUrl(index, indexPassword, true)));
        if (pipProxy != null) {
            display = display.replace("PIP_PROXY=" + Shell.quote(proxy), "PIP_PROXY=" + Shell.quote("********"));
        }
        return new Operation("pip-install", script, display);
    }

    private String indexUrl(URI index, Secret password, boolean masked) {
        if (project.index().user().isEmpty()) {
            return index.toString();
        }
        String user = java.net.URLEncoder.encode(project.index().user().get(), java.nio.charset.StandardCharsets.UTF_8);
        String secret = password == null ? "" : ":" + (masked ? "********"
                : java.net.URLEncoder.encode(password.reveal(), java.nio.charset.StandardCharsets.UTF_8));
        return index.getScheme() + "://" + user + secret + "@" + index.getRawAuthority().replaceFirst("^.*@", "")
                + index.getRawPath() + (index.getRawQuery() == null ? "" : "?" + index.getRawQuery());
    }

    /**
     * Writes the config through an unquoted here-document in which only the remote home expands: every
     * {@code \\}, {@code $} and backtick of the text is escaped, and {@link SupervisorConfig#HOME} becomes
     * {@code ${HOME}}. Mode 600 ({@code umask 077}): it holds the control password and the secrets.
     */
    static String writeConfig(String text, String delimiter) {
        return String.join("\n",
                "umask 077",
                hereDocument("\"$CONF.tmp\"", text, delimiter),
                "chmod 600 \"$CONF.tmp\"",
                "mv -f \"$CONF.tmp\" \"$CONF\"",
                "echo \"wrote $CONF\"");
    }

    /** {@code cat > TARGET} of {@code text} through a here-document (see {@link #writeConfig}). */
    private static String hereDocument(String target, String text, String delimiter) {
        String body = text.replace("\\", "\\\\").replace("$", "\\$").replace("`", "\\`")
                .replace(SupervisorConfig.HOME, "${HOME}");
        return "cat > " + target + " <<" + delimiter + "\n" + (body.endsWith("\n") ? body + delimiter : body + "\n" + delimiter);
    }

    /**
     * Writes essay.yaml's {@code files} into the slot directory, each mode 600 (they may hold secrets), through a
     * temporary file and a rename, as the config; the text travels in the script, never on a command line.
     */
    private Operation writeFiles(SupervisorConfig.Rendered config) {
        List<String> script = new ArrayList<>(List.of("umask 077"));
        List<String> display = new ArrayList<>(script);
        for (SupervisorConfig.RenderedFile f : config.files()) {
            String target = "\"$D\"/" + Shell.quote(f.dest());
            String delimiter = "ESSAY_FILE_" + SupervisorConfig.sha256(f.dest() + "\n" + f.display()).substring(0, 12);
            String dir = f.dest().contains("/") ? f.dest().substring(0, f.dest().lastIndexOf('/')) : null;
            for (boolean shown : new boolean[] {false, true}) {
                List<String> lines = shown ? display : script;
                if (dir != null) {
                    lines.add("mkdir -p \"$D\"/" + Shell.quote(dir));
                }
                lines.add(hereDocument(target + ".tmp", shown ? f.display() : f.text(), delimiter));
                lines.add("chmod 600 " + target + ".tmp");
                lines.add("mv -f " + target + ".tmp " + target);
                lines.add("echo " + Shell.quote("wrote " + f.dest()));
            }
        }
        return new Operation("write-files", String.join("\n", script), String.join("\n", display));
    }

    /** A hook runs in the slot directory with the venv first on PATH and ESSAY_SLOT/VERSION/PROFILE set. */
    private Operation hook(String name, String command, String slot, String version, String profile) {
        return Operation.of(name, String.join("\n",
                "cd \"$D\"",
                "PATH=\"$D/bin:$PATH\" VIRTUAL_ENV=\"$D\" ESSAY_SLOT=" + Shell.quote(slot) + " ESSAY_VERSION="
                        + Shell.quote(version) + " ESSAY_PROFILE=" + Shell.quote(profile) + " sh -c " + Shell.quote(command) + " 2>&1"));
    }

    /** True (exit 0) while the slot's supervisord runs: its pid file names a live process. */
    private static final String RUNNING = "[ -f \"$PIDFILE\" ] && kill -0 \"$(cat \"$PIDFILE\")\" 2>/dev/null";

    /** Fails, saying so, on a host where the slot has no supervisord config: it was never deployed there. */
    private static final Operation CHECK_DEPLOYED = Operation.of("check-deployed", "if [ ! -f \"$CONF\" ]; then"
            + " echo \"slot not deployed here: no $CONF; deploy it first\"; exit 1; fi");

    private String supervisorctl() {
        return Shell.quote(project.supervisor().supervisorctl()) + " -c \"$CONF\"";
    }

    /** Stops the slot's supervisord (and with it its processes), waiting up to 60s before killing it. */
    private Operation stopSlot() {
        return Operation.of("stop-slot", String.join("\n",
                "if [ -f \"$PIDFILE\" ] && pid=$(cat \"$PIDFILE\") && kill -0 \"$pid\" 2>/dev/null; then",
                "  kill -TERM \"$pid\"",
                "  i=0",
                "  while kill -0 \"$pid\" 2>/dev/null; do",
                "    i=$((i + 1))",
                "    if [ \"$i\" -gt 600 ]; then echo \"supervisord $pid did not stop in 60s; killing it\"; kill -KILL \"$pid\" || true; break; fi",
                "    sleep 0.1",
                "  done",
                "  echo \"stopped supervisord $pid\"",
                "else",
                "  echo 'slot was not running'",
                "fi"));
    }

    /** Starts the slot's supervisord (daemonized) from its config; fails with the tail of its output. */
    private String startSupervisord() {
        return String.join("\n",
                "cd \"$D\"",
                "if ! " + Shell.quote(project.supervisor().supervisord()) + " -c \"$CONF\" -j \"$PIDFILE\" >>\"$D/logs/supervisord.out\" 2>&1; then",
                "  echo 'supervisord did not start:'",
                "  tail -n 20 \"$D/logs/supervisord.out\"",
                "  exit 1",
                "fi",
                "echo \"supervisord started\"");
    }

    /**
     * Waits until every process of the slot passes the health check (the slot header checked when configured, the
     * version header when configured and {@code version} is given); on failure prints the process states, the tails
     * of the logs and the health check's answers.
     */
    private Operation waitHealthy(HostAddress host, String slot, String version) {
        return Operation.of("wait-healthy", String.join("\n",
                // the slot header is checked here already when the switch will need it, not first at the switch
                "if out=$(" + HealthCheck.shell("\"$D/bin/python\"", project.health(), urls(host, slot),
                        project.health().slotHeader().isEmpty() ? null : slot,
                        project.health().versionHeader().isEmpty() ? null : version, project.health().retries(), 1,
                        supervisorctl() + " status", ""),
                "); then",
                "  printf '%s\\n' \"$out\"",
                "else",
                "  echo '--- supervisorctl status'",
                "  " + supervisorctl() + " status 2>&1 || true",
                "  for log in \"$D\"/logs/*.log; do [ -f \"$log\" ] && { echo \"--- tail of $log\"; tail -n 5 \"$log\"; }; done",
                "  echo '--- health check'",
                "  printf '%s\\n' \"$out\"",
                "  exit 1",
                "fi"));
    }

    /**
     * One host's part of a rolling restart: restarts every process of the slot ({@code supervisorctl restart all}; a
     * supervisord that is not running is started), then waits, as a deploy does, until every process is healthy.
     */
    public Step restart(HostAddress host, String slot) {
        return new Step("restart", prelude(slot), List.of(CHECK_DEPLOYED,
                Operation.of("restart-processes", String.join("\n",
                        "if " + RUNNING + "; then",
                        "  " + supervisorctl() + " restart all 2>&1",
                        "else",
                        "  echo 'supervisord was not running; starting it'",
                        startSupervisord(),
                        "fi")),
                waitHealthy(host, slot, null)));
    }

    /** Stops the slot's supervisord and its processes (nothing else changes; {@link #start} starts them again). */
    public Step stop(String slot) {
        return new Step("stop", prelude(slot), List.of(stopSlot()));
    }

    /** Starts the slot's supervisord unless it runs, then waits until every process is healthy. */
    public Step start(HostAddress host, String slot) {
        return new Step("start", prelude(slot), List.of(CHECK_DEPLOYED,
                Operation.of("start-slot", String.join("\n",
                        "if " + RUNNING + "; then",
                        "  echo \"supervisord $(cat \"$PIDFILE\") is already running\"",
                        "else",
                        startSupervisord(),
                        "fi")),
                waitHealthy(host, slot, null)));
    }

    /**
     * The last {@code lines} lines of each program log of the slot (the {@code *.log} files of its {@code logs}
     * directory but supervisord's own), each line prefixed by the log's name ({@code essay-sample_0: ...}); with
     * {@code follow}, then every new line, until the step ends (its watchdog ends the tails when essay's connection
     * is gone).
     */
    public Step logs(String slot, int lines, boolean follow) {
        if (lines < 0) {
            throw new IllegalArgumentException("lines must be 0 or more, not " + lines);
        }
        String tail = "tail -n " + lines + (follow ? " -F" : "") + " \"$f\" 2>&1 | sed " + (follow ? "-u " : "")
                + "\"s/^/$n: /\"" + (follow ? " &" : "");
        return new Step("logs", prelude(slot), List.of(Operation.of("read-logs", String.join("\n",
                "found=0",
                "for f in \"$D\"/logs/*.log; do",
                "  [ -f \"$f\" ] || continue",
                "  n=$(basename \"$f\" .log | tr -c 'A-Za-z0-9_.\\n-' '_')",
                "  [ \"$n\" != supervisord ] || continue",
                "  found=$((found + 1))",
                "  " + tail,
                "done",
                "if [ \"$found\" -eq 0 ]; then echo \"(no program logs in $D/logs)\"; fi",
                follow ? "wait" : "true"))));
    }

    /**
     * Runs {@code command} (its words, each quoted: no word is read as shell) in the slot directory with the slot's
     * virtualenv first on PATH and VIRTUAL_ENV set, stderr into stdout; the step's exit status is the command's.
     */
    public Step exec(String slot, List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command to run");
        }
        return new Step("exec", prelude(slot), List.of(
                Operation.of("check-venv", "if [ ! -x \"$D/bin/python\" ]; then echo \"no virtualenv in $D: deploy the"
                        + " slot first\"; exit 1; fi"),
                Operation.of("run-command", String.join("\n",
                        "cd \"$D\"",
                        "VIRTUAL_ENV=\"$D\"",
                        "PATH=\"$D/bin:$PATH\"",
                        "export VIRTUAL_ENV PATH",
                        "unset PYTHONHOME",
                        "exec " + Shell.join(command) + " 2>&1"))));
    }

    /**
     * The slot's processes for {@code essay ps}: {@code supervisord=PID} (or {@code stopped}), the version stamped,
     * one {@code process=LINE} per line of {@code supervisorctl status}, and {@code usage=PID RSS_KB ELAPSED_S} for
     * supervisord and each process that has a PID.
     */
    public Step ps(String slot) {
        return new Step("ps", prelude(slot), List.of(Operation.of("read-processes", String.join("\n",
                "if [ -f \"$D/.essay-deployed\" ]; then sed -n 's/^version=/stamp.version=/p' \"$D/.essay-deployed\"; fi",
                "if " + RUNNING + "; then",
                "  sup=$(cat \"$PIDFILE\")",
                "  printf 'supervisord=%s\\n' \"$sup\"",
                "  st=$(" + supervisorctl() + " status 2>&1 || true)",
                "  printf '%s\\n' \"$st\" | sed 's/^/process=/'",
                "  pids=$(printf '%s\\n' \"$st\" | sed -n 's/.* pid \\([0-9][0-9]*\\),.*/\\1/p')",
                "  for p in $sup $pids; do ps -o pid=,rss=,etimes= -p \"$p\" 2>/dev/null | sed 's/^ */usage=/' || true; done",
                "else",
                "  echo supervisord=stopped",
                "fi"))));
    }

    /**
     * The health URLs of a slot's processes, requested on the host itself at the host's address from
     * essay.yaml: the address nginx reaches the processes at.
     */
    public List<String> urls(HostAddress host, String slot) {
        String address = host.address().contains(":") ? "[" + host.address() + "]" : host.address();
        return project.slot(slot).ports(project.processCount()).stream()
                .map(port -> "http://" + address + ":" + port + project.health().path()).toList();
    }
}
