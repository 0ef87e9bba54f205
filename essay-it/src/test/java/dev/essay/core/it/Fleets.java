package dev.essay.core.it;

import dev.essay.core.Engine;
import dev.essay.core.config.ProjectLoader;
import dev.essay.core.event.EngineListener;
import dev.essay.core.event.EssayEvent;
import dev.essay.core.event.TextRenderer;
import dev.essay.core.model.Actor;
import dev.essay.core.model.Project;
import dev.essay.core.transport.SshSettings;
import dev.essay.core.transport.SshTransport;
import dev.essay.fleet.Fleet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Engines on a {@link Fleet}, with their output recorded for assertions. */
final class Fleets {
    private Fleets() {
    }

    /** Everything an engine reported, one line each. */
    static class Recorder implements EngineListener {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void on(EssayEvent event) {
            TextRenderer.Text t = TextRenderer.render(event);
            if (t != null && t.host() != null) {
                lines.add("[" + t.host() + "] " + t.text());
            } else if (t != null) {
                info((t.warning() ? "warning: " : "") + t.text());
            }
        }

        /** A line about the whole operation (warnings start with {@code warning: }). */
        void info(String line) {
            lines.add(line);
        }

        String text() {
            return String.join("\n", lines);
        }
    }

    static Engine engine(Path essayYaml, Recorder recorder, String user) {
        Project project = ProjectLoader.load(essayYaml);
        return Engine.builder(project)
                .transport(new SshTransport(SshSettings.fromProject(project.ssh())))
                .listener(recorder)
                .actor(new Actor(user, "integration test"))
                .build();
    }

    /** One request through nginx: status, slot and version headers. */
    record Answer(int status, String slot, String version) {
    }

    static Answer ask(URI url) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers().firstValue("X-Essay-Slot").orElse(null),
                r.headers().firstValue("X-Essay-Version").orElse(null));
    }

    static String slotOf(Fleet fleet) throws IOException, InterruptedException {
        return ask(fleet.routerUrl()).slot();
    }
}
