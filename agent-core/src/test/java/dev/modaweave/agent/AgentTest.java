package dev.modaweave.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.EventBusAddresses;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.modaweave.agent.ScriptedStreamingModel.Await;
import static dev.modaweave.agent.ScriptedStreamingModel.Fail;
import static dev.modaweave.agent.ScriptedStreamingModel.Text;
import static dev.modaweave.agent.ScriptedStreamingModel.ToolCall;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class AgentTest {

    private static final String FOX = "<meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a red fox in snow\"}}</meta>";

    @TempDir
    Path dir;
    FileSystemArtifactStore store;
    ToolRegistry registry;
    ScriptedTool painter;
    ScriptedTool editor;
    final List<JsonObject> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp(Vertx vertx) throws Exception {
        store = FileSystemArtifactStore.open(dir);
        registry = ToolRegistry.create();
        registry.attach(vertx).await(5, TimeUnit.SECONDS);
        painter = ScriptedTool.sleeping("painter", Duration.ofMillis(150), 4);
        editor = editor();
        serve(vertx, painter);
        serve(vertx, editor);
        vertx.deployVerticle(Dispatcher.of(registry)).await(10, TimeUnit.SECONDS);
    }

    private void serve(Vertx vertx, GeneratorTool tool) throws Exception {
        registry.register(tool);
        vertx.deployVerticle(ToolWorker.of(tool, store)).await(10, TimeUnit.SECONDS);
    }

    private static ScriptedTool editor() {
        ObjectNode schema = Json.object().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        props.set("image", ArgumentsSchema.artifactProperty(Modality.IMAGE, "the image to edit"));
        props.putObject("prompt").put("type", "string");
        props.putObject("strength").put("type", "number").put("minimum", 0).put("maximum", 1);
        schema.putArray("required").add("image").add("prompt");
        ToolDescriptor d = ToolDescriptor.builder().name("editor").task("image-edit").inputModalities(Modality.IMAGE, Modality.TEXT)
                .outputModality(Modality.IMAGE).argumentsSchema(schema).capacity(2).build();
        return new ScriptedTool(d, (r, p, n) -> ScriptedTool.png());
    }

    private Agent agent(Vertx vertx, ScriptedStreamingModel model, AgentOptions options) throws Exception {
        return Agent.builder().vertx(vertx).model(model).catalog(registry).store(store).options(options).build()
                .start().await(5, TimeUnit.SECONDS);
    }

    private Agent agent(Vertx vertx, ScriptedStreamingModel model) throws Exception {
        return agent(vertx, model, AgentOptions.defaults());
    }

    private JsonObject runTurn(Agent agent, String session, String text) throws Exception {
        return agent.turn(session, UserInput.text(text), events::add).await(30, TimeUnit.SECONDS);
    }

    private List<String> types() {
        return events.stream().map(e -> e.getString("type")).toList();
    }

    private List<JsonObject> ofType(String type) {
        return events.stream().filter(e -> e.getString("type").equals(type)).toList();
    }

    private String text() {
        StringBuilder sb = new StringBuilder();
        ofType(AgentEvents.TEXT).forEach(e -> sb.append(e.getString("text")));
        return sb.toString();
    }

    private static String lastUserText(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof UserMessage u) {
                StringBuilder sb = new StringBuilder();
                u.contents().forEach(c -> sb.append(c instanceof dev.langchain4j.data.message.TextContent t ? t.text() : "").append('\n'));
                return sb.toString();
            }
        }
        return "";
    }

    @Test
    void one_answer_interleaves_text_and_media_and_the_llm_continues_after_the_results(Vertx vertx) throws Exception {
        var model = ScriptedStreamingModel.replies(3, "Here is a fox: " + FOX + " Enjoy.", "It turned out nicely.");
        JsonObject last = runTurn(agent(vertx, model), "s1", "paint a fox");

        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_DONE);
        assertThat(types()).containsSubsequence(AgentEvents.TEXT, AgentEvents.CALL_ACCEPTED, AgentEvents.ARTIFACT, AgentEvents.TEXT, AgentEvents.TURN_DONE);
        assertThat(types().get(types().size() - 1)).isEqualTo(AgentEvents.TURN_DONE);
        assertThat(text()).isEqualTo("Here is a fox:  Enjoy.\n\nIt turned out nicely.");
        JsonObject artifact = ofType(AgentEvents.ARTIFACT).get(0);
        assertThat(artifact.getString("callId")).isEqualTo("img1");
        assertThat(store.find(artifact.getString("id"))).isPresent();
        assertThat(artifact.getString("mimeType")).isEqualTo("image/png");
        assertThat(last.getJsonArray("artifacts")).containsExactly(artifact.getString("id"));
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).getLong("seq")).isEqualTo(i + 1L);
            assertThat(events.get(i).getString("sessionId")).isEqualTo("s1");
        }
        assertThat(model.requests).hasSize(2);
        assertThat(lastUserText(model.requests.get(1).messages())).contains("img1 → artifact " + artifact.getString("id"));
        assertThat(model.requests.get(0).messages().get(0).toString()).contains("painter").contains("editor");
    }

    @Test
    void every_call_event_carries_the_offset_in_the_visible_text_where_its_meta_response_stood(Vertx vertx) throws Exception {
        String owl = "<meta>{\"id\":\"img2\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"an owl\"}}</meta>";
        String bad = "<meta>{\"id\":\"x\",\"task\":\"text-to-smell\",\"args\":{}}</meta>";
        var model = ScriptedStreamingModel.replies(3, "Alpha " + FOX + " Beta " + owl + " Gamma " + bad + " Delta", "");
        runTurn(agent(vertx, model), "s-at", "two pictures");

        String visible = text();
        assertThat(visible).isEqualTo("Alpha  Beta  Gamma  Delta");
        for (JsonObject e : events) {
            String type = e.getString("type");
            if (!type.equals(AgentEvents.TEXT) && !type.startsWith("turn_")) {
                assertThat(e.getInteger("at")).as("'at' of %s", e).isNotNull();
            }
        }
        assertThat(ofType(AgentEvents.ARTIFACT)).extracting(e -> e.getString("callId") + "@" + e.getInteger("at"))
                .containsExactlyInAnyOrder("img1@" + "Alpha ".length(), "img2@" + "Alpha  Beta ".length());
        assertThat(ofType(AgentEvents.CALL_ACCEPTED)).allSatisfy(e -> assertThat(e.getInteger("at"))
                .isEqualTo(e.getString("callId").equals("img1") ? 6 : 12));
        assertThat(ofType(AgentEvents.CALL_REJECTED)).singleElement()
                .satisfies(e -> assertThat(e.getInteger("at")).isEqualTo("Alpha  Beta  Gamma ".length()));
    }

    @Test
    void a_call_is_dispatched_and_finished_before_the_stream_ends(Vertx vertx) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        var model = new ScriptedStreamingModel((request, round) -> round == 0
                ? List.of(new Text("Painting. "), new Text(FOX), new Await(release), new Text(" Still talking."))
                : List.of());
        var turn = agent(vertx, model).turn("s2", UserInput.text("paint"), events::add);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ofType(AgentEvents.ARTIFACT).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(ofType(AgentEvents.ARTIFACT)).as("artifact while the stream is held open").hasSize(1);
        assertThat(turn.isComplete()).isFalse();
        release.countDown();
        assertThat(turn.await(10, TimeUnit.SECONDS).getString("type")).isEqualTo(AgentEvents.TURN_DONE);
        assertThat(text()).endsWith("Still talking.");
    }

    @Test
    void an_invalid_call_gets_one_repair_round_with_the_exact_errors(Vertx vertx) throws Exception {
        var model = new ScriptedStreamingModel((request, round) -> switch (round) {
            case 0 -> ScriptedStreamingModel.deltas("Sure. <meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"steps\":500}}</meta>", 5);
            case 1 -> lastUserText(request.messages()).contains("/steps") && lastUserText(request.messages()).contains("prompt")
                    ? ScriptedStreamingModel.deltas(FOX, 7) : List.of(new Text("I was not told what was wrong."));
            default -> List.of();
        });
        JsonObject last = runTurn(agent(vertx, model), "s3", "paint a fox");

        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_DONE);
        assertThat(ofType(AgentEvents.ARTIFACT)).hasSize(1);
        assertThat(ofType(AgentEvents.CALL_REJECTED)).isEmpty();
        assertThat(painter.calls()).isEqualTo(1);
    }

    @Test
    void a_call_still_invalid_after_repair_is_reported_and_the_text_is_kept(Vertx vertx) throws Exception {
        var model = ScriptedStreamingModel.replies(4,
                "Hello! <meta>{\"task\":\"text-to-smell\",\"args\":{}}</meta> Bye.",
                "<meta>{\"task\":\"text-to-smell\",\"args\":{}}</meta>");
        JsonObject last = runTurn(agent(vertx, model), "s4", "smell this");

        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_DONE);
        assertThat(text()).contains("Hello!").contains("Bye.");
        JsonObject rejected = ofType(AgentEvents.CALL_REJECTED).get(0);
        assertThat(rejected.getBoolean("final")).isTrue();
        assertThat(rejected.getJsonArray("errors").getJsonObject(0).getString("code")).isEqualTo("unknown_task");
        assertThat(rejected.getJsonArray("errors").getJsonObject(0).getString("message")).contains("text-to-smell");
        assertThat(model.requests).hasSize(2);
    }

    @Test
    void a_repair_round_that_ignores_the_problem_still_reports_it(Vertx vertx) throws Exception {
        var model = ScriptedStreamingModel.replies(4, "Sure! <meta>{\"id\":\"a\",\"task\":\"text-to-image\",\"args\":{}}</meta>", "Sorry.");
        JsonObject last = runTurn(agent(vertx, model), "s10", "draw");
        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_DONE);
        assertThat(ofType(AgentEvents.CALL_REJECTED)).singleElement()
                .satisfies(e -> assertThat(e.getString("callId")).isEqualTo("a"));
        assertThat(text()).isEqualTo("Sure! \n\nSorry.");
    }

    @Test
    void a_dropped_stream_still_completes_the_dispatched_call_once_and_fails_the_turn_clearly(Vertx vertx) throws Exception {
        var model = new ScriptedStreamingModel((request, round) -> List.of(
                new Text("One fox coming. "), new Text(FOX), new Fail(new RuntimeException("connection reset by peer"))));
        JsonObject last = runTurn(agent(vertx, model), "s5", "paint");

        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_FAILED);
        assertThat(last.getJsonObject("error").getString("code")).isEqualTo("llm_failed");
        assertThat(last.getJsonObject("error").getString("message")).contains("connection reset by peer");
        assertThat(ofType(AgentEvents.ARTIFACT)).hasSize(1);
        assertThat(ofType(AgentEvents.CALL_ACCEPTED)).hasSize(1);
        assertThat(painter.calls()).isEqualTo(1);
        assertThat(types().get(types().size() - 1)).isEqualTo(AgentEvents.TURN_FAILED);
    }

    @Test
    void a_dependent_edit_runs_as_soon_as_its_input_exists(Vertx vertx) throws Exception {
        var model = ScriptedStreamingModel.replies(6, FOX + " and warmer: <meta>{\"id\":\"img2\",\"task\":\"image-edit\","
                + "\"args\":{\"image\":{\"$ref\":\"img1\"},\"prompt\":\"warmer\"}}</meta>");
        JsonObject last = runTurn(agent(vertx, model), "s6", "fox then warmer");

        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_DONE);
        var artifacts = ofType(AgentEvents.ARTIFACT);
        assertThat(artifacts).extracting(a -> a.getString("callId")).containsExactly("img1", "img2");
        assertThat(editor.requests()).hasSize(1);
        assertThat(editor.requests().get(0).arguments().get("image").asText()).isEqualTo(artifacts.get(0).getString("id"));
    }

    @Test
    void a_later_turn_can_edit_the_last_image_of_the_session(Vertx vertx) throws Exception {
        Pattern artifactId = Pattern.compile("image (art_[a-z2-7]{26})");
        var model = new ScriptedStreamingModel((request, round) -> {
            String user = lastUserText(request.messages());
            if (user.contains("paint")) {
                return round == 0 ? ScriptedStreamingModel.deltas(FOX, 9) : List.of();
            }
            Matcher m = artifactId.matcher(user);
            if (user.contains("warmer") && m.find()) {
                return ScriptedStreamingModel.deltas("Warmer: <meta>{\"id\":\"e1\",\"task\":\"image-edit\",\"args\":{\"image\":{\"$ref\":\""
                        + m.group(1) + "\"},\"prompt\":\"warm light\"}}</meta>", 9);
            }
            return List.of();
        });
        Agent agent = agent(vertx, model);
        runTurn(agent, "s7", "paint a fox");
        String first = ofType(AgentEvents.ARTIFACT).get(0).getString("id");
        events.clear();
        JsonObject last = runTurn(agent, "s7", "make that image warmer");

        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_DONE);
        assertThat(editor.requests()).singleElement().satisfies(r -> assertThat(r.arguments().get("image").asText()).isEqualTo(first));
        assertThat(events.get(0).getLong("seq")).as("seq continues across turns").isGreaterThan(1L);
    }

    @Test
    void native_tool_calls_go_through_the_same_validation_and_dispatch(Vertx vertx) throws Exception {
        var model = new ScriptedStreamingModel((request, round) -> round == 0
                ? List.of(new Text("Drawing."), new ToolCall("call_a1", "text-to-image", "{\"prompt\":\"a fox\"}"),
                        new ToolCall("call_b2", "text-to-image", "{\"steps\":3}"))
                : List.of(new Text("Done.")));
        JsonObject last = runTurn(agent(vertx, model, AgentOptions.defaults().withNativeToolCalls(true)), "s8", "draw");

        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_DONE);
        assertThat(ofType(AgentEvents.ARTIFACT)).singleElement().satisfies(a -> assertThat(a.getString("callId")).isEqualTo("call_a1"));
        assertThat(model.requests.get(0).toolSpecifications()).extracting(t -> t.name()).contains("painter", "editor");
        List<ChatMessage> second = model.requests.get(1).messages();
        var results = second.stream().filter(ToolExecutionResultMessage.class::isInstance).map(ToolExecutionResultMessage.class::cast).toList();
        assertThat(results).extracting(ToolExecutionResultMessage::id).containsExactly("call_a1", "call_b2");
        assertThat(results.get(0).text()).contains("artifact art_");
        assertThat(results.get(1).text()).contains("invalid").contains("prompt");
    }

    @Test
    void a_text_only_model_gets_uploaded_images_as_captions_from_a_captioning_tool(Vertx vertx) throws Exception {
        ObjectNode schema = Json.object().put("type", "object");
        schema.putObject("properties").set("image", ArgumentsSchema.artifactProperty(Modality.IMAGE, "the image"));
        schema.putArray("required").add("image");
        ToolDescriptor d = ToolDescriptor.builder().name("captioner").task("image-to-text").inputModalities(Modality.IMAGE)
                .outputModality(Modality.TEXT).argumentsSchema(schema).build();
        serve(vertx, new ScriptedTool(d, (r, p, n) -> dev.modaweave.tools.GenerationResult.of(
                ("a lighthouse in a storm, " + r.inputs().get("image").bytes().length + " bytes").getBytes(java.nio.charset.StandardCharsets.UTF_8), "text/plain")));
        String upload = store.put(ScriptedTool.PNG, new dev.modaweave.tools.ArtifactStore.NewArtifact("image/png", java.util.Map.of(), "upload",
                Json.object(), List.of())).id();
        var model = new ScriptedStreamingModel((request, round) -> List.of(new Text(lastUserText(request.messages()))));

        JsonObject last = agent(vertx, model).turn("s11", new UserInput("what is this?", List.of(upload)), events::add)
                .await(20, TimeUnit.SECONDS);
        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_DONE);
        assertThat(lastUserText(model.requests.get(0).messages()))
                .contains("what is this?")
                .contains("[image " + upload + ": a lighthouse in a storm, " + ScriptedTool.PNG.length + " bytes]");
    }

    @Test
    void a_multimodal_model_gets_uploaded_images_as_image_content(Vertx vertx) throws Exception {
        String upload = store.put(ScriptedTool.PNG, new dev.modaweave.tools.ArtifactStore.NewArtifact("image/png", java.util.Map.of(), "upload",
                Json.object(), List.of())).id();
        var model = ScriptedStreamingModel.replies(5, "A tiny image.");
        runTurnWith(agent(vertx, model, AgentOptions.defaults().withMultimodal(true)), "s12", new UserInput("describe", List.of(upload)));
        UserMessage user = (UserMessage) model.requests.get(0).messages().get(model.requests.get(0).messages().size() - 1);
        assertThat(user.contents()).anySatisfy(c -> assertThat(c).isInstanceOf(dev.langchain4j.data.message.ImageContent.class));
    }

    private JsonObject runTurnWith(Agent agent, String session, UserInput input) throws Exception {
        return agent.turn(session, input, events::add).await(30, TimeUnit.SECONDS);
    }

    @Test
    void a_tool_that_joins_between_turns_is_in_the_next_turns_catalog(Vertx vertx) throws Exception {
        var model = ScriptedStreamingModel.replies(5, "Hello.");
        Agent agent = agent(vertx, model);
        runTurn(agent, "s13", "hi");
        serve(vertx, new ScriptedTool(ScriptedTool.descriptor("filmmaker", "text-to-video", 1), (r, p, n) -> ScriptedTool.png()));
        runTurn(agent, "s13", "hi again");
        assertThat(model.requests.get(0).messages().get(0).toString()).doesNotContain("filmmaker");
        assertThat(model.requests.get(1).messages().get(0).toString()).contains("filmmaker").contains("text-to-video");
    }

    @Test
    void unknown_media_fails_the_turn_with_a_clear_error(Vertx vertx) throws Exception {
        var model = ScriptedStreamingModel.replies(5, "hi");
        String missing = "art_" + "c".repeat(26);
        JsonObject last = agent(vertx, model).turn("s9", new UserInput("what is this?", List.of(missing)), events::add)
                .await(10, TimeUnit.SECONDS);
        assertThat(last.getString("type")).isEqualTo(AgentEvents.TURN_FAILED);
        assertThat(last.getJsonObject("error").getString("message")).contains(missing).contains("not in the artifact store");
        assertThat(model.requests).isEmpty();
    }

    @Test
    void a_second_turn_in_a_busy_session_gets_one_clear_refusal(Vertx vertx) throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        Agent agent = Agent.builder().vertx(vertx).model(new ScriptedStreamingModel((request, round) -> List.of(new Await(hold))))
                .catalog(registry).store(store).build();
        vertx.deployVerticle(new AgentVerticle(agent)).await(10, TimeUnit.SECONDS);
        JsonObject request = new JsonObject().put("sessionId", "busy").put("message", new JsonObject().put("text", "hi"));

        JsonObject first = vertx.eventBus().<JsonObject>request(EventBusAddresses.AGENT, request).await(5, TimeUnit.SECONDS).body();
        JsonObject second = vertx.eventBus().<JsonObject>request(EventBusAddresses.AGENT, request).await(5, TimeUnit.SECONDS).body();
        hold.countDown();

        assertThat(first.getBoolean("accepted")).isTrue();
        assertThat(second.getBoolean("accepted")).isFalse();
        assertThat(second.getJsonObject("error").getString("code")).isEqualTo("session_busy");
    }

    @Test
    void the_event_bus_api_announces_the_turn_and_publishes_numbered_events(Vertx vertx) throws Exception {
        var model = ScriptedStreamingModel.replies(4, "A fox: " + FOX);
        Agent agent = Agent.builder().vertx(vertx).model(model).catalog(registry).store(store).build();
        vertx.deployVerticle(new AgentVerticle(agent)).await(10, TimeUnit.SECONDS);
        CountDownLatch done = new CountDownLatch(1);
        vertx.eventBus().<JsonObject>consumer(EventBusAddresses.session("app-1"), m -> {
            events.add(m.body());
            if (m.body().getString("type").startsWith("turn_")) {
                done.countDown();
            }
        }).completion().await(5, TimeUnit.SECONDS);

        JsonObject reply = vertx.eventBus().<JsonObject>request(EventBusAddresses.AGENT,
                new JsonObject().put("sessionId", "app-1").put("message", new JsonObject().put("text", "a fox please")))
                .await(5, TimeUnit.SECONDS).body();
        assertThat(reply.getBoolean("accepted")).isTrue();
        assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(events).allSatisfy(e -> assertThat(e.getString("turnId")).isEqualTo(reply.getString("turnId")));
        assertThat(types()).contains(AgentEvents.ARTIFACT).last().isEqualTo(AgentEvents.TURN_DONE);

        JsonObject bad = vertx.eventBus().<JsonObject>request(EventBusAddresses.AGENT,
                new JsonObject().put("sessionId", "../../etc").put("message", new JsonObject().put("text", "x")))
                .await(5, TimeUnit.SECONDS).body();
        assertThat(bad.getBoolean("accepted")).isFalse();
        assertThat(bad.getJsonObject("error").getString("message")).contains("sessionId");
        JsonObject empty = vertx.eventBus().<JsonObject>request(EventBusAddresses.AGENT,
                new JsonObject().put("sessionId", "app-1").put("message", new JsonObject().put("text", " ")))
                .await(5, TimeUnit.SECONDS).body();
        assertThat(empty.getJsonObject("error").getString("message")).contains("empty");
    }
}
