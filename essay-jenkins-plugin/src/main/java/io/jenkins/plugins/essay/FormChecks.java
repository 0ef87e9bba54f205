package io.jenkins.plugins.essay;

import hudson.model.Item;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * The form methods of each operation, written once for the descriptor of its Pipeline step and of its build step:
 * both implement the operation's interface. Stapler finds web methods across a class's interfaces and Jenkins finds
 * {@code doCheck<Field>} and {@code doFill<Field>Items} by {@code Class.getMethods()}, which lists public default
 * methods; the interfaces are public so that both can call them. The checks themselves are {@link EssayForms}' and
 * {@link EssayCredentials}'.
 */
public final class FormChecks {
    private FormChecks() {
    }

    /** Every operation reads essay.yaml. */
    public interface Config {
        @POST
        default FormValidation doCheckConfig(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkConfig(item, value);
        }
    }

    /** Deploy and switch log in to the fleet with an SSH key credential. */
    public interface Fleet extends Config {
        @POST
        default ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
            return EssayCredentials.fillItems(item, credentialsId);
        }

        @POST
        default FormValidation doCheckCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayCredentials.check(item, value);
        }
    }

    /** {@code essayDeploy} and "essay: deploy". */
    public interface Deploy extends Fleet {
        @POST
        default FormValidation doCheckVersion(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkVersion(item, value);
        }

        @POST
        default FormValidation doCheckSlot(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkSlot(item, value, true);
        }

        @POST
        default FormValidation doCheckRole(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkName(item, value, "role");
        }

        @POST
        default FormValidation doCheckProfile(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkName(item, value, "profile");
        }
    }

    /** {@code essaySwitch} and "essay: switch / roll back". */
    public interface Switch extends Fleet {
        @POST
        default FormValidation doCheckTo(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkSlot(item, value, false);
        }
    }

    /** {@code essayStatus}. */
    public interface Status extends Fleet {
        @POST
        default FormValidation doCheckRole(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkName(item, value, "role");
        }
    }

    /** {@code essayRepair} and "essay: repair drifted hosts": the role check is status's. */
    public interface Repair extends Status {
        @POST
        default FormValidation doCheckBatch(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkBatch(item, value);
        }
    }

    /** {@code essayRelease} and "essay: release": the packaging checks and the fleet's. */
    public interface Release extends Fleet, Packaging {
        @POST
        default FormValidation doCheckSlot(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkSlot(item, value, false);
        }

        @POST
        default FormValidation doCheckProfile(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkName(item, value, "profile");
        }
    }

    /** {@code essayPackage} and "essay: package". */
    public interface Packaging extends Config {
        @POST
        default ListBoxModel doFillIndexCredentialsIdItems(@AncestorInPath Item item,
                                                           @QueryParameter String indexCredentialsId) {
            return EssayCredentials.fillIndexItems(item, indexCredentialsId);
        }

        @POST
        default FormValidation doCheckIndexCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayCredentials.checkIndex(item, value);
        }

        @POST
        default FormValidation doCheckBranch(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkRevision(item, value);
        }

        @POST
        default FormValidation doCheckCommit(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkRevision(item, value);
        }

        @POST
        default FormValidation doCheckVersion(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkPackageVersion(item, value);
        }

        @POST
        default FormValidation doCheckSuffix(@AncestorInPath Item item, @QueryParameter String value) {
            return EssayForms.checkSuffix(item, value);
        }
    }
}
