package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import io.jenkins.plugins.essay.plain.LedgerView;
import java.util.List;
import java.util.stream.Collectors;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * One ledger entry for the Releases page and the REST API: the plain {@link LedgerView.Entry} (which Stapler's export
 * annotations cannot reach, the plain package having no Jenkins types), with the link to the Jenkins build that made
 * it.
 */
@ExportedBean(defaultVisibility = 3)
public final class LedgerEntryView {
    private final LedgerView.Entry entry;

    LedgerEntryView(@NonNull LedgerView.Entry entry) {
        this.entry = entry;
    }

    static @NonNull List<LedgerEntryView> of(@NonNull List<LedgerView.Entry> entries) {
        return entries.stream().map(LedgerEntryView::new).collect(Collectors.toList());
    }

    public @NonNull LedgerView.Entry getEntry() {
        return entry;
    }

    @Exported
    public String getTime() {
        return entry.getTime();
    }

    @Exported
    public String getUser() {
        return entry.getUser();
    }

    @Exported
    public String getCause() {
        return entry.getCause();
    }

    @Exported
    public String getAction() {
        return entry.getAction();
    }

    @Exported
    public String getVersion() {
        return entry.getVersion();
    }

    @Exported
    public String getRole() {
        return entry.getRole();
    }

    @Exported
    public String getFrom() {
        return entry.getFrom();
    }

    @Exported
    public String getTo() {
        return entry.getTo();
    }

    @Exported
    public String getResult() {
        return entry.getResult();
    }

    @Exported
    public String getHosts() {
        return entry.getHosts();
    }

    @Exported
    public String getDetail() {
        return entry.getDetail();
    }

    public String getSlots() {
        return entry.getSlots();
    }

    /** The absolute URL of the Jenkins build that made it; null for the command line. */
    @Exported
    public @CheckForNull String getBuildUrl() {
        LedgerView.Build build = entry.getBuild();
        return build == null ? null : build.url();
    }

    /** The full display name of the Jenkins build that made it; null for the command line. */
    @Exported
    public @CheckForNull String getBuildName() {
        LedgerView.Build build = entry.getBuild();
        return build == null ? null : build.name();
    }

    /** Made by {@code essay} on a command line (or a build of a Jenkins without a root URL). */
    public boolean isFromCommandLine() {
        return entry.getBuild() == null;
    }
}
