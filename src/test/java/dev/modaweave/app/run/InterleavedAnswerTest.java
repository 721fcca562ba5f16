package dev.modaweave.app.run;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class InterleavedAnswerTest {

    private final InterleavedAnswer answer = new InterleavedAnswer();

    private void text(String text) {
        answer.accept(new JsonObject().put("type", "text").put("text", text), null);
    }

    private void accepted(String callId, int at, String task, String prompt) {
        answer.accept(new JsonObject().put("type", "call_accepted").put("callId", callId).put("at", at).put("task", task)
                .put("args", new JsonObject().put("prompt", prompt)), null);
    }

    private void artifact(String callId, int at, String modality, String mime, String file) {
        answer.accept(new JsonObject().put("type", "artifact").put("callId", callId).put("at", at).put("modality", modality)
                .put("mimeType", mime).put("tool", "t").put("attributes", new JsonObject().put("width", 64).put("height", 32)),
                Path.of("out", file));
    }

    /** Events as the agent sends them: all text first, then the calls finishing in the opposite order. */
    private void alphaBetaGamma() {
        text("Alpha ");
        text(" Beta ");
        text(" Gamma");
        accepted("img1", 6, "text-to-image", "a red fox");
        accepted("snd1", 12, "text-to-audio", "wind in [pines]");
        artifact("snd1", 12, "audio", "audio/wav", "art_b.wav");
        artifact("img1", 6, "image", "image/png", "art_a.png");
    }

    @Test
    void media_stands_where_its_call_stood_whatever_order_the_events_came_in() {
        alphaBetaGamma();
        assertThat(answer.pieces()).extracting(p -> p instanceof InterleavedAnswer.Text t ? t.text()
                        : p instanceof InterleavedAnswer.Media m ? m.callId() : "?")
                .containsExactly("Alpha ", "img1", " Beta ", "snd1", " Gamma");
    }

    @Test
    void markdown_has_the_image_inline_and_a_link_to_the_audio_in_order() {
        alphaBetaGamma();
        assertThat(answer.toMarkdown()).isEqualTo("Alpha\n\n![a red fox](art_a.png)\n\nBeta\n\n[audio: wind in \\[pines\\]](art_b.wav)\n\nGamma\n");
    }

    @Test
    void html_has_players_between_paragraphs_and_escapes_the_text() {
        text("<b>Alpha</b> & ");
        text(" Beta");
        accepted("img1", 15, "text-to-image", "a \"fox\"");
        artifact("img1", 15, "image", "image/png", "art_a.png");
        String html = answer.toHtml("answer");
        assertThat(html).contains("<p>&lt;b&gt;Alpha&lt;/b&gt; &amp;</p>\n<figure data-call=\"img1\" data-kind=\"image\"><img src=\"art_a.png\" alt=\"a &quot;fox&quot;\">")
                .contains("</figure>\n<p>Beta</p>").doesNotContain("http");
    }

    @Test
    void plain_text_puts_each_artifact_on_its_own_line_at_its_place() {
        alphaBetaGamma();
        assertThat(answer.toPlainText()).isEqualTo("Alpha\n\n[image] " + Path.of("out", "art_a.png") + "  (image/png, t, 64×32)\n\nBeta\n\n[audio] "
                + Path.of("out", "art_b.wav") + "  (audio/wav, t, 64×32)\n\nGamma\n");
    }

    @Test
    void a_failed_call_leaves_a_short_marker_at_its_place() {
        text("Look: ");
        text(" and listen.");
        accepted("img1", 6, "text-to-image", "a fox");
        answer.accept(new JsonObject().put("type", "call_failed").put("callId", "img1").put("at", 6)
                .put("error", new JsonObject().put("code", "timeout").put("message", "the painter took longer than\n60 s")), null);
        answer.accept(new JsonObject().put("type", "call_rejected").put("callId", "x").put("at", 18).put("final", true)
                .put("raw", "<meta>{\"id\":\"x\",\"task\":\"text-to-smell\",\"args\":{}}</meta>")
                .put("errors", new JsonArray().add(new JsonObject().put("message", "unknown task 'text-to-smell'"))), null);
        assertThat(answer.toPlainText()).isEqualTo("Look:\n\n[image failed: the painter took longer than 60 s]\n\nand listen.\n\n"
                + "[smell rejected: unknown task 'text-to-smell']\n");
        assertThat(answer.toMarkdown()).contains("*\\[image failed: the painter took longer than 60 s\\]*");
        assertThat(answer.toHtml("a")).contains("<p class=\"marker\" data-call=\"img1\">[image failed: the painter took longer than 60 s]</p>");
    }

    @Test
    void a_call_that_never_finished_says_so_and_events_without_an_offset_stand_at_the_current_end() {
        text("One ");
        answer.accept(new JsonObject().put("type", "call_accepted").put("callId", "v").put("task", "text-to-video"), null);
        text("two.");
        answer.accept(new JsonObject().put("type", "call_rejected").put("raw", "<meta>{oops</meta>").put("reason", "not JSON"), null);
        assertThat(answer.toPlainText()).isEqualTo("One\n\n[video not finished]\n\ntwo.\n\n[meta-response rejected: not JSON]\n");
    }
}
