package dev.modaweave.tools;

import dev.modaweave.tools.internal.DescriptorJson;
import dev.modaweave.tools.testing.OtherPainter;
import dev.modaweave.tools.testing.ScriptedTool;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ToolRegistryTest {

    @TempDir
    Path dir;

    /** A class loader whose only GeneratorTool service file lists {@code providers}. */
    private ClassLoader servicesListing(Class<?>... providers) throws IOException {
        Path file = dir.resolve("META-INF/services/" + GeneratorTool.class.getName());
        Files.createDirectories(file.getParent());
        StringBuilder sb = new StringBuilder();
        for (Class<?> p : providers) {
            sb.append(p.getName()).append('\n');
        }
        Files.writeString(file, sb);
        URL url = file.toUri().toURL();
        return new ClassLoader(getClass().getClassLoader()) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                return name.equals("META-INF/services/" + GeneratorTool.class.getName())
                        ? Collections.enumeration(List.of(url)) : super.getResources(name);
            }
        };
    }

    private static JsonObject announcement(String worker, String node, ToolDescriptor d, String breaker) {
        return new JsonObject().put("type", "announce").put("worker", worker).put("node", node).put("leaseMs", 3000)
                .put("tool", new JsonObject(Json.write(DescriptorJson.write(d)))).put("breaker", breaker)
                .put("inFlight", 1).put("capacity", d.capacity());
    }

    @Test
    void service_loader_discovery_registers_every_provider() throws IOException {
        ToolRegistry registry = ToolRegistry.create()
                .registerServices(servicesListing(OtherPainter.First.class, OtherPainter.Sketcher.class));

        assertThat(registry.all()).extracting(ToolDescriptor::name).containsExactly("painter", "sketcher");
        assertThat(registry.localTool("painter")).get().isInstanceOf(OtherPainter.First.class);
    }

    @Test
    void two_providers_of_one_name_fail_fast_naming_both_classes() throws IOException {
        ClassLoader loader = servicesListing(OtherPainter.First.class, OtherPainter.Second.class);

        assertThatThrownBy(() -> ToolRegistry.loadServices(loader))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'painter'")
                .hasMessageContaining(OtherPainter.First.class.getName())
                .hasMessageContaining(OtherPainter.Second.class.getName());
    }

    @Test
    void tools_registered_in_code_are_found_by_name_and_task() {
        ToolRegistry registry = ToolRegistry.create()
                .register(ScriptedTool.succeeding("a"))
                .register(new ScriptedTool(ScriptedTool.descriptor("b", "text-to-speech", 1), (r, p, n) -> ScriptedTool.png()));

        assertThat(registry.byName("a")).isPresent();
        assertThat(registry.byTask("text-to-speech")).extracting(ToolDescriptor::name).containsExactly("b");
        assertThat(registry.availability("a")).isEqualTo(ToolRegistry.Availability.AVAILABLE);
        assertThat(registry.availability("zzz")).isEqualTo(ToolRegistry.Availability.UNKNOWN);
        assertThatThrownBy(() -> registry.register(ScriptedTool.succeeding("a")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'a'");
    }

    @Test
    void announced_remote_tools_join_the_catalog_with_their_breaker_state() {
        ToolRegistry registry = ToolRegistry.create();
        ToolDescriptor d = ScriptedTool.imageDescriptor("remote-painter", 2);

        registry.accept(announcement("w1", "node-1", d, "closed"));
        assertThat(registry.byTask("text-to-image")).extracting(ToolDescriptor::name).containsExactly("remote-painter");
        assertThat(registry.isAvailable("remote-painter")).isTrue();
        assertThat(registry.load("remote-painter")).isEqualTo(0.5);

        registry.accept(announcement("w1", "node-1", d, "open"));
        assertThat(registry.availability("remote-painter")).isEqualTo(ToolRegistry.Availability.BREAKER_OPEN);

        registry.accept(announcement("w1", "node-1", d, "closed").put("reachable", false).put("unreachable", "down"));
        assertThat(registry.availability("remote-painter")).isEqualTo(ToolRegistry.Availability.UNREACHABLE);
        registry.accept(announcement("w2", "node-2", d, "closed").put("reachable", true));
        assertThat(registry.availability("remote-painter")).isEqualTo(ToolRegistry.Availability.AVAILABLE);
        registry.accept(announcement("w2", "node-2", d, "open"));
        registry.accept(announcement("w1", "node-1", d, "closed"));
        assertThat(registry.availability("remote-painter")).isEqualTo(ToolRegistry.Availability.AVAILABLE);
        registry.accept(announcement("w1", "node-1", d, "open"));

        registry.accept(announcement("w2", "node-2", d, "closed"));
        assertThat(registry.availability("remote-painter")).isEqualTo(ToolRegistry.Availability.AVAILABLE);
    }

    @Test
    void in_flight_and_queued_calls_add_up_over_the_live_workers_as_announced() {
        ToolRegistry registry = ToolRegistry.create();
        ToolDescriptor d = ScriptedTool.imageDescriptor("remote-painter", 2);

        registry.accept(announcement("w1", "node-1", d, "closed").put("inFlight", 5));
        registry.accept(announcement("w2", "node-2", d, "closed").put("inFlight", 1));
        assertThat(registry.inFlight("remote-painter")).isEqualTo(6);
        assertThat(registry.queued("remote-painter")).as("w1 runs 2 and queues 3; w2 has a free slot").isEqualTo(3);

        registry.nodeLeft("node-1");
        assertThat(registry.inFlight("remote-painter")).isEqualTo(1);
        assertThat(registry.queued("remote-painter")).isZero();
        assertThat(registry.inFlight("nothing")).isZero();
    }

    @Test
    void a_tool_whose_node_left_stays_in_the_catalog_marked_as_gone() {
        ToolRegistry registry = ToolRegistry.create();
        List<String> left = new CopyOnWriteArrayList<>();
        registry.onNodeLeft(left::add);
        registry.accept(announcement("w1", "node-1", ScriptedTool.imageDescriptor("remote-painter", 1), "closed"));

        registry.nodeLeft("node-1");

        assertThat(registry.byName("remote-painter")).isPresent();
        assertThat(registry.availability("remote-painter")).isEqualTo(ToolRegistry.Availability.NODE_LEFT);
        assertThat(left).containsExactly("node-1");
    }

    @Test
    void a_worker_that_stops_announcing_is_dropped_when_its_lease_ends() throws Exception {
        AtomicLong now = new AtomicLong();
        ToolRegistry registry = ToolRegistry.create(now::get);
        List<String> left = new CopyOnWriteArrayList<>();
        registry.onNodeLeft(left::add);
        registry.accept(announcement("w1", "node-1", ScriptedTool.imageDescriptor("remote-painter", 1), "closed"));

        now.addAndGet(TimeUnit.SECONDS.toNanos(2));
        assertThat(registry.isAvailable("remote-painter")).isTrue();
        now.addAndGet(TimeUnit.SECONDS.toNanos(2));
        assertThat(registry.availability("remote-painter")).isEqualTo(ToolRegistry.Availability.NODE_LEFT);

        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            registry.attach(vertx).await(5, TimeUnit.SECONDS);
            ToolWorkerTest.awaitCondition(() -> left.contains("node-1"));
        } finally {
            vertx.close().await(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void malformed_announcements_are_ignored() {
        ToolRegistry registry = ToolRegistry.create();

        registry.accept(new JsonObject().put("type", "announce").put("worker", "w").put("node", "n")
                .put("tool", new JsonObject().put("name", "BAD NAME")));
        registry.accept(new JsonObject().put("type", "nonsense"));

        assertThat(registry.all()).isEmpty();
    }
}
