package dev.modaweave.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.FileSystemArtifactStore;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ToolDescriptor;
import dev.modaweave.tools.ToolRegistry;
import dev.modaweave.tools.ToolWorker;
import dev.modaweave.tools.testing.ScriptedTool;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.modaweave.agent.ScriptedStreamingModel.Text;
import static org.assertj.core.api.Assertions.assertThat;

/** How the agent and the dispatcher choose a tool for a call: previews, schemas, priorities, names. */
@ExtendWith(VertxExtension.class)
class RoutingTest {

    @TempDir
    Path dir;
    FileSystemArtifactStore store;
    ToolRegistry registry;
    final List<JsonObject> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp(Vertx vertx) throws Exception {
        store = FileSystemArtifactStore.open(dir);
        registry = ToolRegistry.create();
        registry.attach(vertx).await(5, TimeUnit.SECONDS);
    }

    /** A text-to-image tool whose schema takes {@code prompt} plus the given extra integer/string properties. */
    private static ScriptedTool painter(String name, boolean preview, int priority, String... extra) {
        ObjectNode schema = Json.object().put("type", "object").put("additionalProperties", false);
        ObjectNode props = schema.putObject("properties");
        props.putObject("prompt").put("type", "string").put("minLength", 1);
        for (String p : extra) {
            props.putObject(p).put("type", p.equals("steps") ? "integer" : "string");
        }
        schema.putArray("required").add("prompt");
        ToolDescriptor d = ToolDescriptor.builder().name(name).task("text-to-image").outputModality(Modality.IMAGE)
                .argumentsSchema(schema).description(name + " paints").capacity(4).preview(preview).priority(priority).build();
        return new ScriptedTool(d, (r, p, n) -> ScriptedTool.png());
    }

    private void serve(Vertx vertx, GeneratorTool... tools) throws Exception {
        for (GeneratorTool tool : tools) {
            registry.register(tool);
            vertx.deployVerticle(ToolWorker.of(tool, store)).await(10, TimeUnit.SECONDS);
        }
    }

    private Agent start(Vertx vertx, RoutingCatalog.Previews previews, ScriptedStreamingModel model) throws Exception {
        vertx.deployVerticle(Dispatcher.of(registry, Dispatcher.Options.builder().previews(previews).build())).await(10, TimeUnit.SECONDS);
        return Agent.builder().vertx(vertx).model(model).catalog(registry).store(store).previews(previews).build()
                .start().await(5, TimeUnit.SECONDS);
    }

    private JsonObject turn(Agent agent, String text) throws Exception {
        return agent.turn("s", UserInput.text(text), events::add).await(30, TimeUnit.SECONDS);
    }

    private List<JsonObject> ofType(String type) {
        return events.stream().filter(e -> e.getString("type").equals(type)).toList();
    }

    private static String meta(String id, String args) {
        return "<meta>{\"id\":\"" + id + "\",\"task\":\"text-to-image\",\"args\":" + args + "}</meta>";
    }

    @Test
    void a_call_by_task_goes_to_the_real_tool_not_the_preview(Vertx vertx) throws Exception {
        ScriptedTool preview = painter("preview-image", true, 0);
        ScriptedTool real = painter("automatic1111", false, 0, "negative_prompt", "steps");
        serve(vertx, preview, real);
        Agent agent = start(vertx, RoutingCatalog.Previews.AUTO, ScriptedStreamingModel.replies(5,
                "A fox: " + meta("a", "{\"prompt\":\"a fox\"}") + " and " + meta("b", "{\"prompt\":\"a fox\",\"negative_prompt\":\"blurry\",\"steps\":30}")));

        assertThat(turn(agent, "paint").getString("type")).isEqualTo(AgentEvents.TURN_DONE);

        assertThat(real.calls()).isEqualTo(2);
        assertThat(preview.calls()).isZero();
        assertThat(ofType(AgentEvents.CALL_ACCEPTED)).allSatisfy(e -> {
            assertThat(e.getString("tool")).isEqualTo("automatic1111");
            assertThat(e.getString("task")).isEqualTo("text-to-image");
        });
        for (String type : List.of(AgentEvents.CALL_ACCEPTED, AgentEvents.ARTIFACT)) {
            assertThat(ofType(type)).extracting(e -> e.getString("callId") + "@" + e.getInteger("at"))
                    .containsExactlyInAnyOrder("a@7", "b@12");
        }
    }

    @Test
    void a_preview_serves_a_task_no_real_tool_serves_and_a_named_preview_wins(Vertx vertx) throws Exception {
        ScriptedTool preview = painter("preview-image", true, 0);
        serve(vertx, preview);
        Agent agent = start(vertx, RoutingCatalog.Previews.AUTO, ScriptedStreamingModel.replies(50, meta("a", "{\"prompt\":\"a fox\"}")));

        turn(agent, "paint");

        assertThat(preview.calls()).isEqualTo(1);
        assertThat(ofType(AgentEvents.CALL_ACCEPTED)).singleElement().satisfies(e -> assertThat(e.getString("tool")).isEqualTo("preview-image"));
    }

    @Test
    void with_previews_off_a_task_only_previews_serve_has_no_tool_and_the_model_is_told(Vertx vertx) throws Exception {
        serve(vertx, painter("preview-image", true, 0));
        ScriptedStreamingModel model = ScriptedStreamingModel.replies(50, meta("a", "{\"prompt\":\"a fox\"}"));
        Agent agent = start(vertx, RoutingCatalog.Previews.OFF, model);

        turn(agent, "paint");

        String system = model.requests.get(0).messages().get(0).toString();
        assertThat(system).contains("no generator tool is registered").doesNotContain("preview-image");
        assertThat(ofType(AgentEvents.CALL_REJECTED)).singleElement().satisfies(e ->
                assertThat(e.getJsonArray("errors").getJsonObject(0).getString("code")).isEqualTo("unknown_task"));
    }

    @Test
    void a_call_valid_for_one_candidate_only_goes_to_that_one(Vertx vertx) throws Exception {
        ScriptedTool plain = painter("plain", false, 5);
        ScriptedTool detailed = painter("detailed", false, 0, "negative_prompt");
        serve(vertx, plain, detailed);
        Agent agent = start(vertx, RoutingCatalog.Previews.AUTO, ScriptedStreamingModel.replies(50,
                meta("a", "{\"prompt\":\"a fox\",\"negative_prompt\":\"blurry\"}") + meta("b", "{\"prompt\":\"a cat\"}")));

        turn(agent, "paint");

        assertThat(detailed.calls()).isEqualTo(1);
        assertThat(plain.calls()).as("the higher priority wins among tools that accept the call").isEqualTo(1);
        assertThat(ofType(AgentEvents.CALL_ACCEPTED)).extracting(e -> e.getString("tool")).containsExactly("detailed", "plain");
    }

    @Test
    void a_call_no_candidate_accepts_is_rejected_with_every_candidates_errors_before_it_runs(Vertx vertx) throws Exception {
        ScriptedTool one = painter("one", false, 0, "steps");
        ScriptedTool two = painter("two", false, 0, "negative_prompt");
        serve(vertx, one, two);
        ScriptedStreamingModel model = ScriptedStreamingModel.replies(50, meta("a", "{\"prompt\":\"a fox\",\"seed\":7}"), "", "");
        Agent agent = start(vertx, RoutingCatalog.Previews.AUTO, model);

        turn(agent, "paint");

        assertThat(one.calls() + two.calls()).isZero();
        String repair = model.requests.get(1).messages().get(model.requests.get(1).messages().size() - 1).toString();
        assertThat(repair).contains("schema of one").contains("schema of two").contains("seed");
        assertThat(ofType(AgentEvents.CALL_REJECTED)).singleElement().satisfies(e -> assertThat(e.getInteger("at")).isZero());
    }

    @Test
    void rounds_are_joined_by_a_separator_and_a_repeated_accepted_call_runs_once(Vertx vertx) throws Exception {
        ScriptedTool real = painter("real", false, 0);
        serve(vertx, real);
        String call = meta("a", "{\"prompt\":\"a fox\"}");
        Agent agent = start(vertx, RoutingCatalog.Previews.AUTO, new ScriptedStreamingModel((request, round) -> switch (round) {
            case 0 -> List.of(new Text("Here: " + call + " Enjoy!"));
            case 1 -> List.of(new Text("All done " + call));
            default -> List.of();
        }));

        JsonObject last = turn(agent, "paint");

        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_DONE);
        assertThat(real.calls()).isEqualTo(1);
        assertThat(ofType(AgentEvents.TEXT)).extracting(e -> e.getString("text")).contains("\n\n");
        assertThat(last.getString("text")).isEqualTo("Here:  Enjoy!\n\nAll done ");
        assertThat(ofType(AgentEvents.CALL_REJECTED)).isEmpty();
    }
}
