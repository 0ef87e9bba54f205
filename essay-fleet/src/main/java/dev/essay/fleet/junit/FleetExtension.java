package dev.essay.fleet.junit;

import dev.essay.fleet.EmbeddedFleet;
import dev.essay.fleet.Fleet;
import dev.essay.fleet.FleetBackend;
import dev.essay.fleet.TestFleet;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Owns the fleet of a test class annotated {@link WithFleet}: one fleet per class, booted before its
 * {@code @BeforeAll} methods on the backend of {@link FleetBackend#current()}, given to the class through its static
 * fields of a fleet type and through parameters, and closed (every process it started stopped by PID, see
 * {@link Fleet#close()}) when the class's context closes, after its {@code @AfterAll} methods. A class that needs a
 * backend that is not the current one, or cannot run here, is skipped with the reason; scripts/test fails a run in
 * which any integration test was skipped.
 */
public final class FleetExtension implements ExecutionCondition, BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FleetExtension.class);
    private static final String KEY = "fleet";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        WithFleet spec = spec(context);
        FleetBackend backend = FleetBackend.current();
        List<FleetBackend> needs = Arrays.asList(spec.needs());
        String why = spec.because().isBlank() ? "" : " (" + spec.because() + ")";
        if (!needs.isEmpty() && !needs.contains(backend)) {
            return ConditionEvaluationResult.disabled("needs the " + names(needs) + " fleet backend" + why + ", but "
                    + FleetBackend.VARIABLE + " chose " + backend.lowerCase());
        }
        String unavailable = backend.unavailableBecause();
        if (unavailable != null) {
            return ConditionEvaluationResult.disabled(unavailable + why);
        }
        return ConditionEvaluationResult.enabled("fleet backend " + backend.lowerCase());
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IllegalAccessException {
        Fleet fleet = context.getStore(NAMESPACE).getOrComputeIfAbsent(KEY, k -> new Owned(boot(spec(context))), Owned.class).fleet;
        for (Field field : context.getRequiredTestClass().getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && Fleet.class.isAssignableFrom(field.getType())) {
                if (!field.getType().isInstance(fleet)) {
                    throw new ExtensionConfigurationException(context.getRequiredTestClass().getName() + "." + field.getName()
                            + " is a " + field.getType().getSimpleName() + ", but the " + FleetBackend.current().lowerCase()
                            + " backend boots a " + fleet.getClass().getSimpleName() + "; declare it as Fleet, or declare "
                            + "@WithFleet(needs = ...)");
                }
                field.setAccessible(true);
                field.set(null, fleet);
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return Fleet.class.isAssignableFrom(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Owned owned = context.getStore(NAMESPACE).get(KEY, Owned.class);
        if (owned == null) {
            throw new ExtensionConfigurationException("no fleet is booted for " + context.getRequiredTestClass().getName());
        }
        return owned.fleet;
    }

    private static Fleet boot(WithFleet spec) {
        FleetBackend backend = FleetBackend.current();
        return switch (backend) {
            case OPENSSH -> TestFleet.builder().hosts(spec.hosts()).published(spec.published()).build();
            case EMBEDDED -> EmbeddedFleet.builder().hosts(spec.hosts()).published(spec.published()).build();
        };
    }

    private static WithFleet spec(ExtensionContext context) {
        return AnnotationSupport.findAnnotation(context.getRequiredTestClass(), WithFleet.class)
                .orElseThrow(() -> new ExtensionConfigurationException(context.getRequiredTestClass().getName()
                        + " uses FleetExtension without @WithFleet"));
    }

    private static String names(List<FleetBackend> backends) {
        return String.join(" or ", backends.stream().map(FleetBackend::lowerCase).toList());
    }

    /** The fleet in the class's store: closed with the class's context. */
    private record Owned(Fleet fleet) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            fleet.close();
        }
    }
}
