package io.jenkins.plugins.essay.plain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What keeps old builds readable, checked without Jenkins: a {@code build.xml} holds each host's result as the fields
 * below, written by every version of the plugin (first as {@code io.jenkins.plugins.essay.HostOutcome}, then
 * {@code io.jenkins.plugins.essay.plain.HostOutcome}; the release record's initializer aliases both names, and
 * {@code ReleasesPageTest} loads such a file in Jenkins). XStream reads a field by its name, so renaming one loses
 * that value from every recorded build.
 */
class HostResultTest {
    @Test
    void keepsTheFieldNamesThatBuildXmlHolds() {
        List<String> stored = Arrays.stream(HostResult.class.getDeclaredFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers()))
                .map(Field::getName)
                .sorted() // getDeclaredFields has no defined order
                .toList();
        assertEquals(List.of("detail", "error", "host", "millis", "result"), stored);
    }

    @Test
    void aResultWithoutErrorOrDetailStillHasANote() {
        HostResult h = new HostResult("deploy@10.0.0.11:22", "skipped", 0, null, null);
        assertEquals("deploy@10.0.0.11:22 skipped ''", h.getHost() + " " + h.getResult() + " '" + h.getNote() + "'");
    }
}
