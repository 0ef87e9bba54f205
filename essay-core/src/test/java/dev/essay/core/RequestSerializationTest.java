package dev.essay.core;

import dev.essay.core.api.ExecRequest;
import dev.essay.core.api.LogsRequest;
import dev.essay.core.api.PsRequest;
import dev.essay.core.api.RepairRequest;
import dev.essay.core.api.RestartRequest;
import dev.essay.core.api.Shard;
import dev.essay.core.api.StopStartRequest;
import dev.essay.core.api.SwitchRequest;
import dev.essay.core.api.DeployRequest;
import dev.essay.core.api.ReleaseRequest;
import dev.essay.core.api.StatusRequest;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.essay.core.pkg.PackageRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.junit.jupiter.api.Test;

/** The engine's requests survive Java serialization unchanged: the Jenkins plugin sends them to the build's agent. */
class RequestSerializationTest {

    @Test
    void deployRequest() throws Exception {
        DeployRequest full = new DeployRequest("1.4.0", "b", "web", "prod", true);
        assertEquals(full, roundTrip(full));
        DeployRequest defaults = DeployRequest.of("2.0.0rc1", "a");
        assertEquals(defaults, roundTrip(defaults));
    }

    @Test
    void switchRequest() throws Exception {
        for (SwitchRequest r : new SwitchRequest[] {SwitchRequest.to("b"), SwitchRequest.back(),
                SwitchRequest.adopt("a", true), new SwitchRequest(null, false, true)}) {
            assertEquals(r, roundTrip(r));
        }
    }

    @Test
    void repairRequest() throws Exception {
        RepairRequest r = new RepairRequest("worker", 3);
        assertEquals(r, roundTrip(r));
        assertEquals(RepairRequest.defaults(), roundTrip(RepairRequest.defaults()));
    }

    @Test
    void dayTwoRequests() throws Exception {
        Shard hosts = dev.essay.core.api.Shard.named(java.util.List.of("127.0.1.1"));
        for (Object r : new Object[] {new RestartRequest("a", "web", hosts, 2, true), new RestartRequest(null, null, null, 1,
                false), new StopStartRequest("b", null, hosts, false), new ExecRequest(null, "web", null,
                java.util.List.of("python", "-c", "print(1)")), new LogsRequest("a", null, hosts, 50, true),
                new PsRequest(null, null, null)}) {
            assertEquals(r, roundTrip((Serializable) r));
        }
    }

    @Test
    void packageRequest() throws Exception {
        PackageRequest r = new PackageRequest("release", "1a2b3c4", true, "1.4.0", "fixbug", false);
        assertEquals(r, roundTrip(r));
        assertEquals(PackageRequest.defaults(), roundTrip(PackageRequest.defaults()));
    }

    @Test
    void releaseRequest() throws Exception {
        ReleaseRequest full = new ReleaseRequest(new PackageRequest(null, "1a2b3c4", false, "1.4.0", "fixbug", false),
                "b", "prod");
        assertEquals(full, roundTrip(full));
        ReleaseRequest defaults = ReleaseRequest.of(PackageRequest.defaults());
        assertEquals(defaults, roundTrip(defaults));
    }

    @Test
    void statusRequest() throws Exception {
        for (StatusRequest r : new StatusRequest[] {new StatusRequest("web"), new StatusRequest(null)}) {
            assertEquals(r, roundTrip(r));
        }
    }

    private static Object roundTrip(Serializable value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }
}
