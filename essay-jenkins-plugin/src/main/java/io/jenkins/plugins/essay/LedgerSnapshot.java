package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Run;
import io.jenkins.plugins.essay.plain.LedgerView;
import java.util.List;
import jenkins.model.RunAction2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * The router's ledger as the build's last essay step that reached the fleet read it (its newest
 * {@value LedgerView#MAX_ENTRIES} entries, from Jenkins builds of any job and from the command line): what the job's
 * Releases page shows. Kept in the build's {@code build.xml}; one per build (a later step's read replaces it).
 */
@ExportedBean(defaultVisibility = 3)
public final class LedgerSnapshot implements RunAction2 {
    private final LedgerView ledger;

    private transient Run<?, ?> run;

    LedgerSnapshot(@NonNull LedgerView ledger) {
        this.ledger = ledger;
    }

    public @NonNull LedgerView getLedger() {
        return ledger;
    }

    /** The build that read it. */
    public @CheckForNull Run<?, ?> getRun() {
        return run;
    }

    /** When it was read (epoch milliseconds). */
    @Exported
    public long getReadAt() {
        return ledger.getReadAt();
    }

    /** The ledger entries, newest first, for the REST API. */
    @Exported(name = "ledger")
    public @NonNull List<LedgerEntryView> getEntries() {
        return LedgerEntryView.of(ledger.getEntries());
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    /** Not in the side panel: the job's Releases page shows it. */
    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return "essay ledger";
    }

    @Override
    public String getUrlName() {
        return null;
    }
}
