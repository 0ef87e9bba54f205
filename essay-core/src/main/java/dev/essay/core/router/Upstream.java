package dev.essay.core.router;

import dev.essay.core.model.HostAddress;
import dev.essay.core.model.Project;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The nginx include essay owns: an {@code upstream} block listing one slot's process ports on every
 * host of the router role, headed by a comment that records the live slot and the previous one.
 */
public final class Upstream {
    public static final String HEADER = "# essay:";
    private static final Pattern FIELD = Pattern.compile("([a-z_]+)=(\\S+)");

    private Upstream() {
    }

    /** What the header of a live include says; every field may be null for a file essay did not write. */
    public record State(String slot, String version, String previous, String previousVersion, String time) {
        public static final State NONE = new State(null, null, null, null, null);
    }

    public static String render(Project project, List<HostAddress> hosts, String slot, String version,
                                State current, Instant time) {
        StringBuilder s = new StringBuilder();
        s.append(HEADER).append(" slot=").append(slot).append(" version=").append(version);
        if (current.slot() != null && !current.slot().equals(slot)) {
            s.append(" previous=").append(current.slot());
            if (current.version() != null) {
                s.append(" previous_version=").append(current.version());
            }
        } else if (current.previous() != null) {
            s.append(" previous=").append(current.previous());
            if (current.previousVersion() != null) {
                s.append(" previous_version=").append(current.previousVersion());
            }
        }
        s.append(" time=").append(time).append('\n');
        s.append("# Written by essay on every switch of ").append(project.name()).append("; edits are overwritten.\n");
        s.append("upstream ").append(project.router().upstreamName()).append(" {\n");
        for (HostAddress host : hosts) {
            String address = host.address().contains(":") ? "[" + host.address() + "]" : host.address();
            for (int port : project.slot(slot).ports(project.processCount())) {
                s.append("    server ").append(address).append(':').append(port).append(";\n");
            }
        }
        s.append("}\n");
        String probe = project.router().probe();
        if (probe != null) {
            // essay's probe: answers through the same upstream and names the server nginx used, so a switch is proven
            // (and the live slot seen) without the service's cooperation; loopback only, no access log
            s.append("server {\n");
            s.append("    listen ").append(probe).append(";\n");
            s.append("    access_log off;\n");
            s.append("    location / {\n");
            s.append("        proxy_pass http://").append(project.router().upstreamName()).append(";\n");
            s.append("        proxy_next_upstream off;\n");
            s.append("        add_header ").append(Observation.UPSTREAM_HEADER).append(" $upstream_addr always;\n");
            s.append("    }\n");
            s.append("}\n");
        }
        return s.toString();
    }

    /** Reads the header line ({@code # essay: slot=b version=... previous=a ...}); NONE when absent. */
    public static State parse(String headerLine) {
        if (headerLine == null || !headerLine.startsWith(HEADER)) {
            return State.NONE;
        }
        Map<String, String> f = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(headerLine.substring(HEADER.length()));
        while (m.find()) {
            f.put(m.group(1), m.group(2));
        }
        return new State(f.get("slot"), f.get("version"), f.get("previous"), f.get("previous_version"), f.get("time"));
    }
}
