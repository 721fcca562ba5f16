package dev.modaweave.app.planner;

import dev.modaweave.agent.MetaResponse;
import dev.modaweave.tools.Tasks;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded planner reads the captions the agent's caption projector puts after a message. */
class CaptionedAttachmentTest {

    private static final String ID = "art_abcdefghijklmnopqrstuvwxyz";
    private static final String CAPTION = "[image " + ID + ": A red kite above a green field.]";
    private final EmbeddedPlanner planner = EmbeddedPlanner.shared();

    @Test
    void animating_an_attached_picture_makes_a_video_of_its_caption() {
        Plan plan = planner.plan("animate this\n" + CAPTION);
        assertThat(plan.calls()).singleElement().satisfies(call -> {
            assertThat(call.task()).isEqualTo(Tasks.TEXT_TO_VIDEO);
            assertThat(call.args().path("prompt").asText()).isEqualTo("A red kite above a green field");
        });
    }

    @Test
    void editing_an_attached_picture_refers_to_it() {
        Plan plan = planner.plan("make this picture black and white\n" + CAPTION);
        assertThat(plan.calls()).singleElement().satisfies(call -> {
            assertThat(call.task()).isEqualTo(Tasks.IMAGE_EDIT);
            assertThat(call.args().path("image").path(MetaResponse.REF).asText()).isEqualTo(ID);
        });
    }

    @Test
    void a_question_about_an_attached_picture_is_answered_from_its_caption() {
        Plan plan = planner.plan("what is in this picture?\n" + CAPTION);
        assertThat(plan.calls()).isEmpty();
        assertThat(plan.reply()).isEqualTo("Here is what I can tell about the attached image: A red kite above a green field.");
    }

    @Test
    void an_offline_description_loses_its_label_when_it_becomes_a_prompt() {
        Plan plan = planner.plan("turn this into a short video\n[image " + ID + ": Offline description (measured; no captioning model "
                + "is configured): 400×120 picture, mostly dark blue (80 %); dark overall. Text read in it by OCR (tesseract): "
                + "\"OPEN ALL DAY\". What it depicts is unknown without a captioning model.]");
        assertThat(plan.calls()).singleElement().satisfies(call -> {
            assertThat(call.task()).isEqualTo(Tasks.TEXT_TO_VIDEO);
            assertThat(call.args().path("prompt").asText())
                    .isEqualTo("400×120 picture, mostly dark blue (80 %); dark overall. Text read in it by OCR (tesseract): \"OPEN ALL DAY\"");
        });
    }
}
