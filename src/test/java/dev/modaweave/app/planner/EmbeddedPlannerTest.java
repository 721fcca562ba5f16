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
import dev.modaweave.agent.RoundContext;
import dev.modaweave.agent.Session;
import dev.langchain4j.data.message.TextContent;
import dev.modaweave.tools.Modality;
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

    @Test
    void a_prompt_given_as_a_clause_is_aligned_to_the_noun_phrase_the_request_makes_of_it() {
        String request = "Can you paint a man in a white shirt riding an elephant and some buildings, then turn it into a cartoon?";
        List<Tokens.Token> tokens = Tokens.tokenize(request);

        int[] span = TrainingExamples.align(tokens, "A man in a white shirt is riding an elephant and some buildings");

        assertThat(request.substring(tokens.get(span[0]).start(), tokens.get(span[1]).end()))
                .isEqualTo("a man in a white shirt riding an elephant and some buildings");
    }

    @Test
    void a_prompt_whose_style_words_follow_a_few_words_later_is_aligned_through_them() {
        String request = "Can I get an isometric render of a pickup truck with 3D, soft shadows, miniature look?";
        List<Tokens.Token> tokens = Tokens.tokenize(request);

        int[] span = TrainingExamples.align(tokens, "An isometric render of a pickup truck, 3D, soft shadows, miniature look");

        assertThat(request.substring(tokens.get(span[0]).start(), tokens.get(span[1]).end()))
                .isEqualTo("an isometric render of a pickup truck with 3D, soft shadows, miniature look");
    }

    private static String chat(EmbeddedPlanner planner, List<ChatMessage> messages, RoundContext context) {
        AtomicReference<String> reply = new AtomicReference<>();
        planner.chat(ChatRequest.builder().messages(messages).build(), context, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                reply.set(response.aiMessage().text());
            }

            @Override
            public void onError(Throwable error) {
                throw new AssertionError(error);
            }
        });
        return reply.get();
    }

    private static Session.ArtifactNote image(String id, String prompt) {
        return new Session.ArtifactNote(id, Modality.IMAGE, "image/png", "text-to-image: \"" + prompt + "\"");
    }

    @Test
    void with_a_round_context_later_rounds_get_no_reply_whatever_their_words() {
        List<ChatMessage> messages = List.of(SystemMessage.from("system"), UserMessage.from("Draw a cat."),
                AiMessage.from("Here you go: <meta>{}</meta>"), UserMessage.from("Draw a dog on a beach."));

        assertThat(chat(planner, messages, new RoundContext(RoundContext.Kind.RESULTS, 2, List.of()))).isEmpty();
        assertThat(chat(planner, messages, new RoundContext(RoundContext.Kind.REPAIR, 2, List.of()))).isEmpty();
        assertThat(chat(planner, messages, new RoundContext(RoundContext.Kind.ANSWER, 1, List.of()))).contains("<meta>");
    }

    @Test
    void with_a_round_context_an_edit_refers_to_the_newest_image_of_the_context_not_of_the_message_text() {
        UserMessage user = UserMessage.from(TextContent.from("Please make it look like an oil painting."),
                TextContent.from("[artifacts of this conversation, newest last; refer to one with {\"$ref\":\"<id>\"}:\n image "
                        + OLDER + " (text-to-image)]"));
        RoundContext context = new RoundContext(RoundContext.Kind.ANSWER, 1, List.of(image(OLDER, "a barn"), image(IMAGE, "a cat")));

        String reply = chat(planner, List.of(user), context);

        List<MetaResponse> calls = MetaResponseParser.parseAll(reply).stream().filter(e -> e instanceof ParseEvent.Meta)
                .map(e -> ((ParseEvent.Meta) e).call()).toList();
        assertThat(calls).extracting(MetaResponse::task).containsExactly(Tasks.IMAGE_EDIT);
        assertThat(calls.get(0).references()).containsExactly(IMAGE);
    }

    @Test
    void words_that_only_point_back_are_told_apart_from_words_of_a_new_subject() {
        assertThat(EmbeddedPlanner.onlyPointsBack("now animate it")).isTrue();
        assertThat(EmbeddedPlanner.onlyPointsBack("say that again slower")).isTrue();
        assertThat(EmbeddedPlanner.onlyPointsBack("the picture")).isTrue();
        assertThat(EmbeddedPlanner.onlyPointsBack("a lighthouse in a storm")).isFalse();
        assertThat(EmbeddedPlanner.onlyPointsBack("rain sounds")).isFalse();
        assertThat(EmbeddedPlanner.onlyPointsBack("")).isFalse();
    }

    @Test
    void a_spoken_line_grows_to_its_quotes_or_from_its_colon_to_the_sentence_end_through_commas() {
        String quoted = "say \"hello, my name is Ada, and I like tea\" in a calm voice";
        List<Tokens.Token> q = Tokens.tokenize(quoted);
        int speech = PlannerSettings.TASKS.indexOf(Tasks.TEXT_TO_SPEECH);
        int[] taskAt = new int[q.size()];
        java.util.Arrays.fill(taskAt, -1);
        int ada = indexOf(q, "Ada");
        taskAt[ada - 2] = speech;
        taskAt[ada - 1] = speech;
        taskAt[ada] = speech;

        int[] span = EmbeddedPlanner.wholeLine(quoted, q, taskAt, speech, ada - 2, ada);

        assertThat(quoted.substring(q.get(span[0]).start(), q.get(span[1]).end())).isEqualTo("hello, my name is Ada, and I like tea");

        String introduced = "Draw a cat. Then read aloud: sorry, we're closed, come back tomorrow. Thanks";
        List<Tokens.Token> c = Tokens.tokenize(introduced);
        int[] tags = new int[c.size()];
        java.util.Arrays.fill(tags, -1);
        int image = PlannerSettings.TASKS.indexOf(Tasks.TEXT_TO_IMAGE);
        tags[indexOf(c, "cat")] = image;
        int closed = indexOf(c, "closed");
        tags[closed] = speech;

        int[] line = EmbeddedPlanner.wholeLine(introduced, c, tags, speech, closed, closed);

        assertThat(introduced.substring(c.get(line[0]).start(), c.get(line[1]).end())).isEqualTo("sorry, we're closed, come back tomorrow");
    }

    private static int indexOf(List<Tokens.Token> tokens, String text) {
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).text().equals(text)) {
                return i;
            }
        }
        throw new AssertionError(text + " not in " + tokens);
    }
}
