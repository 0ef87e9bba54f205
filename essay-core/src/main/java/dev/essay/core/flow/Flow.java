package dev.essay.core.flow;

import dev.essay.core.deploy.SlotScripts;
import dev.essay.core.event.EngineListener;
import dev.essay.core.model.Actor;
import dev.essay.core.model.Project;
import dev.essay.core.policy.SlotPolicy;
import dev.essay.core.transport.Transport;

/** What every flow reads from its {@link FlowContext}: the flows observe, ask the {@link SlotPolicy}, and act. */
abstract class Flow {
    final FlowContext ctx;
    final Project project;
    final Transport transport;
    final EngineListener listener;
    final SlotPolicy policy;
    final SlotScripts slots;
    final Actor actor;

    Flow(FlowContext ctx) {
        this.ctx = ctx;
        this.project = ctx.project();
        this.transport = ctx.transport();
        this.listener = ctx.listener();
        this.policy = ctx.policy();
        this.slots = ctx.slots();
        this.actor = ctx.actor();
    }
}
