package dev.modaweave.app.planner;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.agent.MetaResponseParser;
import dev.modaweave.agent.ParseEvent;
import dev.modaweave.tools.Tasks;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedPlannerTest {

    private static final String IMAGE = "art_aaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String OLDER = "art_bbbbbbbbbbbbbbbbbbbbbbbbbb";

    private final EmbeddedPlanner planner = EmbeddedPlanner.shared();

    private static String withArtifacts(String request, String... images) {
        StringBuilder sb = new StringBuilder(request).append("\n[artifacts of this conversation, newest last; refer to one with {\"$ref\":\"<id>\"}:");
        for (String id : images) {
            sb.append("\n image ").append(id).append(" (text-to-image)");
        }
        return sb.append(']').toString();
    }

    @Test
    void a_picture_request_becomes_one_text_to_image_call_whose_prompt_is_the_subject() {
        Plan plan = planner.plan("Draw a black Honda motorcycle parked in front of a garage.");

        assertThat(plan.calls()).extracting(MetaResponse::task).containsExactly(Tasks.TEXT_TO_IMAGE);
        assertThat(plan.calls().get(0).args().get("prompt").asText()).isEqualTo("a black Honda motorcycle parked in front of a garage");
        assertThat(plan.reply()).startsWith("Here you go: <meta>");
    }

    @Test
    void a_video_asked_for_in_words_the_templates_do_not_use_becomes_a_video_call_with_the_scene_as_prompt() {
        Plan plan = planner.plan("Animate a jellyfish drifting through dark water");

        assertThat(plan.calls()).extracting(MetaResponse::task).containsExactly(Tasks.TEXT_TO_VIDEO);
        assertThat(plan.calls().get(0).args().get("prompt").asText()).isEqualTo("a jellyfish drifting through dark water");
    }

    @Test
    void a_second_request_joined_by_plus_as_a_bare_noun_phrase_becomes_a_second_call() {
        Plan plan = planner.plan("Sketch a windmill by a canal plus the sound of church bells ringing");

        assertThat(plan.calls()).extracting(MetaResponse::task).containsExactly(Tasks.TEXT_TO_IMAGE, Tasks.TEXT_TO_AUDIO);
        assertThat(plan.calls()).extracting(c -> c.args().get("prompt").asText())
                .containsExactly("a windmill by a canal", "church bells ringing");
    }

    @Test
    void the_reply_holds_canonical_meta_blocks_that_the_parser_reads_back_to_the_same_calls() {
        Plan plan = planner.plan("Can you generate an image of a cat on a sofa and a sound effect like this: a dog barks twice?");

        List<MetaResponse> parsed = MetaResponseParser.parseAll(plan.reply()).stream()
                .filter(e -> e instanceof ParseEvent.Meta).map(e -> ((ParseEvent.Meta) e).call()).toList();
        assertThat(parsed).extracting(MetaResponse::toJson).containsExactlyElementsOf(plan.calls().stream().map(MetaResponse::toJson).toList());
        assertThat(plan.calls()).extracting(MetaResponse::task).containsExactly(Tasks.TEXT_TO_IMAGE, Tasks.TEXT_TO_AUDIO);
    }

    @Test
    void a_follow_up_edit_refers_to_the_newest_image_of_the_conversation() {
        Plan plan = planner.plan(withArtifacts("Please make it look like an oil painting.", OLDER, IMAGE));

        assertThat(plan.calls()).hasSize(1);
        MetaResponse edit = plan.calls().get(0);
        assertThat(edit.task()).isEqualTo(Tasks.IMAGE_EDIT);
        assertThat(edit.references()).containsExactly(IMAGE);
    }

    @Test
    void an_edit_in_the_same_message_refers_to_the_image_call_made_before_it() {
        Plan plan = planner.plan("Draw a small wooden boat on a lake, then make it black and white.");

        assertThat(plan.calls()).extracting(MetaResponse::task).containsExactly(Tasks.TEXT_TO_IMAGE, Tasks.IMAGE_EDIT);
        assertThat(plan.calls().get(1).references()).containsExactly(plan.calls().get(0).id());
    }

    @Test
    void a_request_that_needs_no_media_is_answered_in_words_without_calls() {
        Plan plan = planner.plan("Hello, how are you?");

        assertThat(plan.calls()).isEmpty();
        assertThat(plan.reply()).isNotBlank().doesNotContain("<meta>");
    }

    @Test
    void a_message_that_already_holds_meta_responses_is_answered_with_itself() {
        String message = "A fox: <meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a red fox\"}}</meta>\n"
                + "Modality: [AUDIO] Prompt: wind in pines";

        Plan plan = planner.plan(message);

        assertThat(plan.passThrough()).isTrue();
        assertThat(plan.reply()).isEqualTo(message);
        assertThat(plan.calls()).extracting(MetaResponse::task).containsExactly(Tasks.TEXT_TO_IMAGE, Tasks.TEXT_TO_AUDIO);
    }

    @Test
    void later_rounds_of_a_turn_are_answered_with_nothing() {
        List<ChatMessage> messages = List.of(SystemMessage.from("system"), UserMessage.from("Draw a cat."),
                AiMessage.from("Here you go: <meta>{}</meta>"),
                UserMessage.from("Results of your calls (shown to the user already):\n- img1: image art_x"));

        assertThat(planner.reply(messages)).isEmpty();
    }

    @Test
    void the_reply_streams_in_several_small_deltas_that_add_up_to_the_whole_reply() {
        List<String> deltas = new ArrayList<>();
        AtomicReference<ChatResponse> done = new AtomicReference<>();
        planner.chat(ChatRequest.builder().messages(UserMessage.from("Generate an image of a red kite over a beach.")).build(),
                new StreamingChatResponseHandler() {
                    @Override
                    public void onPartialResponse(String partial) {
                        deltas.add(partial);
                    }

                    @Override
                    public void onCompleteResponse(ChatResponse response) {
                        done.set(response);
                    }

                    @Override
                    public void onError(Throwable error) {
                        throw new AssertionError(error);
                    }
                });

        assertThat(deltas.size()).isGreaterThan(3);
        assertThat(deltas).allSatisfy(d -> assertThat(d.length()).isLessThanOrEqualTo(24));
        assertThat(String.join("", deltas)).isEqualTo(done.get().aiMessage().text()).contains("<meta>");
    }

    @Test
    void attachment_lines_and_the_artifact_list_are_read_apart_from_the_request() {
        PlannerInput input = PlannerInput.parse("[attached image: " + OLDER + "]\nmake it brighter\n"
                + "[artifacts of this conversation, newest last; refer to one with {\"$ref\":\"<id>\"}:\n image " + IMAGE
                + " (upload)\n audio art_cccccccccccccccccccccccccc (text-to-audio)]");

        assertThat(input.request()).isEqualTo("make it brighter");
        assertThat(input.attached()).extracting(PlannerInput.Media::id).containsExactly(OLDER);
        assertThat(input.known()).extracting(PlannerInput.Media::id).containsExactly(IMAGE, "art_cccccccccccccccccccccccccc");
        assertThat(input.newestImage()).isEqualTo(OLDER);
    }

    @Test
    void a_prompt_is_aligned_to_the_longest_run_of_its_words_in_the_request() {
        List<Tokens.Token> tokens = Tokens.tokenize("Please draw: A dog, on a beach. Thanks!");

        int[] span = TrainingExamples.align(tokens, "a dog on a beach");

        assertThat(tokens.get(span[0]).text()).isEqualTo("A");
        assertThat(tokens.get(span[1]).text()).isEqualTo("beach");
        assertThat(TrainingExamples.align(tokens, "a red fox in the snow at night")).isNull();
    }
}
