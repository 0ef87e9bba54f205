package dev.essay.core.api;

import dev.essay.core.run.FleetResult;

/**
 * A switch's outcome (only returned when it succeeded and was proven; failures throw).
 *
 * @param health the health check of the target slot on every host, before the switch
 */
public record SwitchResult(String action, String from, String to, String version, FleetResult health) {
}
