package io.jenkins.plugins.essay.plain;

import dev.essay.core.ledger.LedgerEntry;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The router's ledger as a step read it on the agent, at its end: the newest entries (at most {@link #MAX_ENTRIES}),
 * whoever made them (a Jenkins build of any job, or {@code essay} on a command line), as plain values. It crosses the
 * agent channel in the {@link Outcome} and is kept on the build (the controller cannot read the routers on a page
 * load: the SSH key is a credential, essay.yaml is in an agent's workspace). Plain classes, not records: XStream keeps
 * it in {@code build.xml}.
 */
public final class LedgerView implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Ledger entries a step reads and a build keeps. */
    public static final int MAX_ENTRIES = 50;

    /** Oldest first, as the ledger has them. */
    private final List<Entry> entries;
    private final long readAt;

    public LedgerView(@NonNull List<Entry> entries, long readAt) {
        int from = Math.max(0, entries.size() - MAX_ENTRIES);
        this.entries = new ArrayList<>(entries.subList(from, entries.size())); // a plain list for build.xml
        this.readAt = readAt;
    }

    /** The engine's entries (oldest first, as {@code Engine.history} returns them), on the agent. */
    public static LedgerView of(List<LedgerEntry> ledger, long readAt) {
        return new LedgerView(ledger.stream().map(Entry::of).collect(Collectors.toList()), readAt);
    }

    /** When the step read it (epoch milliseconds). */
    public long getReadAt() {
        return readAt;
    }

    /** Newest first. */
    public @NonNull List<Entry> getEntries() {
        List<Entry> newest = new ArrayList<>(entries == null ? List.of() : entries);
        Collections.reverse(newest);
        return newest;
    }

    /** Newest first, only those with {@code result} unless it is not one of {@link Outcome#RESULTS}. */
    public @NonNull List<Entry> entries(@CheckForNull String result) {
        String filter = Outcome.knownResult(result);
        return getEntries().stream().filter(e -> filter == null || filter.equals(e.getResult()))
                .collect(Collectors.toList());
    }

    /** Per role (in the order first seen, newest first), the newest entry that put a slot live. */
    public @NonNull List<Entry> getLive() {
        Map<String, Entry> live = new LinkedHashMap<>();
        for (Entry e : getEntries()) {
            if (e.isLiveChange()) {
                live.putIfAbsent(e.getRole() == null ? "" : e.getRole(), e);
            }
        }
        return new ArrayList<>(live.values());
    }

    /** One ledger line: who, why, what moved where, how it ended, and the Jenkins build that made it, if one did. */
    public static final class Entry implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String time;
        private final String user;
        private final String cause;
        private final String action;
        private final String version;
        private final String role;
        private final String from;
        private final String to;
        private final String result;
        private final String hosts;
        private final String detail;

        public Entry(String time, String user, String cause, String action, String version, String role, String from,
                     String to, String result, String hosts, String detail) {
            this.time = time;
            this.user = user;
            this.cause = cause;
            this.action = action;
            this.version = version;
            this.role = role;
            this.from = from;
            this.to = to;
            this.result = result;
            this.hosts = hosts;
            this.detail = detail;
        }

        static Entry of(LedgerEntry e) {
            return new Entry(e.time(), e.user(), e.cause(), e.action(), e.version(), e.role(), e.from(), e.to(),
                    e.result(), hostsSummary(e.hosts()), e.detail());
        }

        /** {@code 3 hosts: 2 ok, 1 failed}; empty for none. */
        static String hostsSummary(List<LedgerEntry.HostResult> hosts) {
            if (hosts == null || hosts.isEmpty()) {
                return "";
            }
            Map<String, Long> counts = hosts.stream()
                    .collect(Collectors.groupingBy(LedgerEntry.HostResult::result, LinkedHashMap::new,
                            Collectors.counting()));
            return hosts.size() + (hosts.size() == 1 ? " host: " : " hosts: ") + counts.entrySet().stream()
                    .map(c -> c.getValue() + " " + c.getKey()).collect(Collectors.joining(", "));
        }

        /** ISO-8601 UTC. */
        public String getTime() {
            return time;
        }

        public String getUser() {
            return user;
        }

        public String getCause() {
            return cause;
        }

        public String getAction() {
            return action;
        }

        public String getVersion() {
            return version;
        }

        public String getRole() {
            return role;
        }

        public String getFrom() {
            return from;
        }

        public String getTo() {
            return to;
        }

        public String getResult() {
            return result;
        }

        /** Each host's result, counted: {@code 3 hosts: 3 ok}. */
        public String getHosts() {
            return hosts;
        }

        public String getDetail() {
            return detail;
        }

        /** A release, switch, rollback or adopt that ended ok: its slot went live. */
        public boolean isLiveChange() {
            return "ok".equals(result) && to != null && LedgerEntry.LIVE_ACTIONS.contains(action);
        }

        /** {@code a → b} for switches, {@code into a} for deploys. */
        public String getSlots() {
            return new Outcome.Subject(action == null ? "" : action, version, role, from, to, null, List.of()).slots();
        }

        /**
         * The Jenkins build that made it: essay's actor cause for a build ends with {@code ; <full display name>
         * <build URL>} (see the plugin's {@code EssayRunner.actor}). Null for a command line, or a build on a Jenkins
         * without a root URL.
         */
        public @CheckForNull Build getBuild() {
            return Build.parse(cause);
        }

        /** Made by a Jenkins build (whose URL it names). */
        public boolean isFromJenkins() {
            return getBuild() != null;
        }
    }

    /**
     * A Jenkins build named in an entry's cause.
     *
     * @param name its full display name ({@code folder » shop #12})
     * @param url  its absolute URL ({@code https://ci.example.com/job/shop/12/})
     */
    public record Build(String name, String url) {
        /** A Jenkins build's URL: {@code http(s)://.../job/<name>/<number>/}. */
        private static final Pattern BUILD_URL = Pattern.compile("https?://\\S+/job/\\S+/[0-9]+/");

        /** The build in the last {@code ; }-separated part of an actor cause, when it ends with a build's URL. */
        public static @CheckForNull Build parse(@CheckForNull String cause) {
            if (cause == null) {
                return null;
            }
            String last = cause.substring(cause.lastIndexOf("; ") + 1).strip();
            int space = last.lastIndexOf(' ');
            if (space <= 0) {
                return null;
            }
            String url = last.substring(space + 1);
            String name = last.substring(0, space).strip();
            if (!BUILD_URL.matcher(url).matches() || name.isEmpty()) {
                return null;
            }
            return new Build(name, url);
        }
    }
}
