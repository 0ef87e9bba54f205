package dev.essay.fleet.junit;

import dev.essay.fleet.FleetBackend;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that runs on one fleet: {@link FleetExtension} boots it before the class's {@code @BeforeAll}
 * methods, sets the class's static fields of a fleet type ({@code Fleet}, {@code TestFleet}) and resolves
 * parameters of those types, and stops it (every process by PID) after the class's {@code @AfterAll} methods.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(FleetExtension.class)
public @interface WithFleet {
    /** Hosts of role {@code web}, besides the router host. */
    int hosts() default 1;

    /** Versions of the sample published on the fleet's index before the class runs. */
    String[] published() default {};

    /**
     * The backend this class needs, when it cannot run on every one (separate Unix users, OpenSSH's own logs):
     * on any other backend, or where this one cannot run (OpenSSH without root), the class is reported as
     * skipped, with {@link #because} as the reason. Empty: the backend of {@link FleetBackend#current()}.
     */
    FleetBackend[] needs() default {};

    /** Why the class needs {@link #needs}: part of the reason a skipped class is reported with. */
    String because() default "";
}
