package io.jenkins.plugins.essay;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import io.jenkins.plugins.essay.plain.DeployConfig;
import io.jenkins.plugins.essay.plain.EssayConfig;
import io.jenkins.plugins.essay.plain.FleetConfig;
import io.jenkins.plugins.essay.plain.PackageConfig;
import io.jenkins.plugins.essay.plain.ReleaseConfig;
import io.jenkins.plugins.essay.plain.RepairConfig;
import io.jenkins.plugins.essay.plain.RoleConfig;
import io.jenkins.plugins.essay.plain.StatusConfig;
import io.jenkins.plugins.essay.plain.SwitchConfig;

/**
 * The getters of each operation's fields, written once for its Pipeline step and its build step: both implement the
 * operation's interface and return their configuration. Jenkins reads a field through {@code Class.getMethod} and
 * {@code Class.getMethods()} (structs' {@code DescribableParameter.inspect} for the Snippet Generator and
 * {@code step(...)}, {@code Descriptor.getPropertyType} and the forms' {@code instance[field]}), which find public
 * default methods, as {@code java.beans.Introspector} does (commons-beanutils, {@code JenkinsRule.assertEqualDataBoundBeans})
 * since JDK-8071693 (in 21, and in the 17 updates we run: checked on 17.0.15).
 *
 * <p>The setters cannot live here: Stapler ({@code RequestImpl.findDataBoundSetter}) and structs
 * ({@code DescribableModel}) look for {@code @DataBoundSetter} only among the methods each class of the superclass
 * chain declares, never an interface's. So each step and build step declares its setters, one line each that hands
 * the value to its configuration, whose rules (trimming, defaults) are the only ones.
 */
public final class ConfigFields {
    private ConfigFields() {
    }

    /** Every operation reads essay.yaml. */
    public interface Config<C extends EssayConfig<?>> {
        /** What the step or build step is configured with (before any {@code ${PARAM}} expansion). */
        @NonNull C configuration();

        default @NonNull String getConfig() { return configuration().getConfig(); }
    }

    /** Deploy and switch log in to the fleet with an SSH key credential, and may be forced. */
    public interface Fleet<C extends FleetConfig<?>> extends Config<C> {
        default @CheckForNull String getCredentialsId() { return configuration().getCredentialsId(); }
        default boolean isForce() { return configuration().isForce(); }
    }

    /** The packaging fields, of {@code essayPackage} and {@code essayRelease}. */
    public interface PackagingFields {
        /** The packaging part of the configuration. */
        @NonNull PackageConfig packaging();

        default @CheckForNull String getBranch() { return packaging().getBranch(); }
        default @CheckForNull String getCommit() { return packaging().getCommit(); }
        default boolean isHere() { return packaging().isHere(); }
        default @CheckForNull String getVersion() { return packaging().getVersion(); }
        default @CheckForNull String getSuffix() { return packaging().getSuffix(); }
        default @CheckForNull String getIndexCredentialsId() { return packaging().getIndexCredentialsId(); }
    }

    /** {@code essayPackage} and "essay: package". */
    public interface Packaging extends Config<PackageConfig>, PackagingFields {
        @Override
        default @NonNull PackageConfig packaging() { return configuration(); }
    }

    /** {@code essayRelease} and "essay: release": the packaging fields, the SSH key, the slot and the profile. */
    public interface Release extends Config<ReleaseConfig>, PackagingFields {
        @Override
        default @NonNull PackageConfig packaging() { return configuration().packaging(); }

        default @CheckForNull String getCredentialsId() { return configuration().getCredentialsId(); }
        default @CheckForNull String getSlot() { return configuration().getSlot(); }
        default @CheckForNull String getProfile() { return configuration().getProfile(); }
    }

    /** Status and repair log in to the fleet with an SSH key credential, on the hosts of a role. */
    public interface Role<C extends RoleConfig<?>> extends Config<C> {
        default @CheckForNull String getCredentialsId() { return configuration().getCredentialsId(); }
        default @CheckForNull String getRole() { return configuration().getRole(); }
    }

    /** {@code essayStatus}. */
    public interface Status extends Role<StatusConfig> {
        default boolean isFailIfDegraded() { return configuration().isFailIfDegraded(); }
    }

    /** {@code essayRepair} and "essay: repair drifted hosts". */
    public interface Repair extends Role<RepairConfig> {
        default int getBatch() { return configuration().getBatch(); }
    }

    /** {@code essayDeploy} and "essay: deploy". */
    public interface Deploy extends Fleet<DeployConfig> {
        default String getVersion() { return configuration().getVersion(); }
        default String getSlot() { return configuration().getSlot(); }
        default @CheckForNull String getRole() { return configuration().getRole(); }
        default @CheckForNull String getProfile() { return configuration().getProfile(); }
    }

    /** {@code essaySwitch} and "essay: switch / roll back". */
    public interface Switch extends Fleet<SwitchConfig> {
        default @CheckForNull String getTo() { return configuration().getTo(); }
        default boolean isRollback() { return configuration().isRollback(); }
    }
}
