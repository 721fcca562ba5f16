package dev.modaweave.agent;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetaResponseParserTest {

    private static List<ParseEvent> parse(String text) {
        return MetaResponseParser.parseAll(text);
    }

    private static ParseEvent.Meta onlyMeta(List<ParseEvent> events) {
        List<ParseEvent.Meta> metas = events.stream().filter(ParseEvent.Meta.class::isInstance).map(ParseEvent.Meta.class::cast).toList();
        assertThat(metas).hasSize(1);
        return metas.get(0);
    }

    @Test
    void canonical_block_in_text_becomes_text_meta_text() {
        var events = parse("Here you go: <meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a red fox\"}}</meta> Enjoy!");
        assertThat(events).hasSize(3);
        assertThat(events.get(0)).isEqualTo(new ParseEvent.Text("Here you go: "));
        var meta = (ParseEvent.Meta) events.get(1);
        assertThat(meta.call().id()).isEqualTo("img1");
        assertThat(meta.call().task()).isEqualTo("text-to-image");
        assertThat(meta.call().args().get("prompt").asText()).isEqualTo("a red fox");
        assertThat(meta.call().dialect()).isEqualTo(Dialect.CANONICAL);
        assertThat(meta.repairs()).isEmpty();
        assertThat(events.get(2)).isEqualTo(new ParseEvent.Text(" Enjoy!"));
    }

    @Test
    void parser_emits_call_before_stream_ends() {
        var parser = new MetaResponseParser();
        assertThat(parser.feed("Painting now <meta>{\"task\":\"text-to-image\",\"args\":{\"prompt\":\"x\"}}</meta")).containsExactly(new ParseEvent.Text("Painting now "));
        var events = parser.feed(">");
        assertThat(events).singleElement().isInstanceOf(ParseEvent.Meta.class);
        assertThat(parser.feed(" and more text")).containsExactly(new ParseEvent.Text(" and more text"));
    }

    @Test
    void missing_ids_are_numbered_by_position_in_the_stream() {
        var events = parse("<meta>{\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a\"}}</meta>"
                + "<meta>{\"id\":\"x\",\"task\":\"text-to-audio\",\"args\":{\"prompt\":\"b\"}}</meta>"
                + "<meta>{\"task\":\"text-to-video\",\"args\":{\"prompt\":\"c\"}}</meta>");
        assertThat(events).extracting(e -> ((ParseEvent.Meta) e).call().id()).containsExactly("call1", "x", "call3");
    }

    @Test
    void closing_tag_inside_a_json_string_does_not_close_the_block() {
        var meta = onlyMeta(parse("<meta>{\"task\":\"text-to-image\",\"args\":{\"prompt\":\"say \\\"</meta>\\\" aloud\"}}</meta>tail"));
        assertThat(meta.call().args().get("prompt").asText()).isEqualTo("say \"</meta>\" aloud");
    }

    @Test
    void code_fence_around_json_is_repaired_and_reported() {
        var meta = onlyMeta(parse("<meta>\n```json\n{\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a\"}}\n```\n</meta>"));
        assertThat(meta.repairs()).singleElement().asString().contains("code fence");
    }

    @Test
    void trailing_comma_is_repaired_and_reported() {
        var meta = onlyMeta(parse("<meta>{\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a\",},}</meta>"));
        assertThat(meta.call().args().get("prompt").asText()).isEqualTo("a");
        assertThat(meta.repairs()).singleElement().asString().contains("trailing comma");
    }

    @Test
    void invalid_json_becomes_malformed_with_raw_text_and_reason() {
        var events = parse("a <meta>{\"task\": text-to-image}</meta> b");
        assertThat(events).hasSize(3);
        var bad = (ParseEvent.Malformed) events.get(1);
        assertThat(bad.raw()).isEqualTo("<meta>{\"task\": text-to-image}</meta>");
        assertThat(bad.reason()).startsWith("invalid JSON").contains("line 1");
        assertThat(events.get(2)).isEqualTo(new ParseEvent.Text(" b"));
    }

    @Test
    void unknown_fields_and_missing_task_are_malformed() {
        assertThat(((ParseEvent.Malformed) parse("<meta>{\"task\":\"text-to-image\",\"prompt\":\"a\"}</meta>").get(0)).reason())
                .contains("unknown field(s) [prompt]");
        assertThat(((ParseEvent.Malformed) parse("<meta>{\"args\":{}}</meta>").get(0)).reason())
                .contains("neither a task nor a tool");
        assertThat(((ParseEvent.Malformed) parse("<meta>[1]</meta>").get(0)).reason())
                .contains("expected a JSON object");
        assertThat(((ParseEvent.Malformed) parse("<meta></meta>").get(0)).reason()).contains("empty");
    }

    @Test
    void unterminated_block_at_end_of_stream_is_malformed() {
        var events = parse("text <meta>{\"task\":\"text-to-image\"");
        assertThat(events).hasSize(2);
        assertThat(((ParseEvent.Malformed) events.get(1)).reason()).contains("unterminated");
        assertThat(((ParseEvent.Malformed) events.get(1)).raw()).isEqualTo("<meta>{\"task\":\"text-to-image\"");
    }

    @Test
    void unterminated_string_falls_back_to_the_first_closing_look_alike() {
        var events = parse("<meta>{\"task\":\"text-to-image\",\"args\":{\"prompt\":\"oops}}</meta> and then <meta>{\"task\":\"text-to-audio\",\"args\":{\"prompt\":\"rain\"}}</meta>");
        assertThat(events).hasSize(3);
        assertThat(events.get(0)).isInstanceOf(ParseEvent.Malformed.class);
        assertThat(events.get(1)).isEqualTo(new ParseEvent.Text(" and then "));
        assertThat(((ParseEvent.Meta) events.get(2)).call().task()).isEqualTo("text-to-audio");
    }

    @Test
    void nested_blocks_are_one_malformed_event() {
        var events = parse("<meta>{\"a\":<meta>{\"task\":\"x\"}</meta>}</meta>after");
        assertThat(events).hasSize(2);
        assertThat(((ParseEvent.Malformed) events.get(0)).reason()).contains("nested");
        assertThat(((ParseEvent.Malformed) events.get(0)).raw()).isEqualTo("<meta>{\"a\":<meta>{\"task\":\"x\"}</meta>}</meta>");
        assertThat(events.get(1)).isEqualTo(new ParseEvent.Text("after"));
    }

    @Test
    void over_long_block_is_malformed_while_streaming_and_memory_stays_bounded() {
        var parser = new MetaResponseParser(MetaResponseParser.Options.defaults().withMaxBlockChars(100));
        List<ParseEvent> events = new ArrayList<>(parser.feed("<meta>{\"task\":\"text-to-image\",\"args\":{\"prompt\":\""));
        for (int k = 0; k < 20; k++) {
            events.addAll(parser.feed("aaaaaaaaaa"));
        }
        assertThat(events).filteredOn(ParseEvent.Malformed.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((ParseEvent.Malformed) e).reason()).contains("no closing </meta> within 100"));
    }

    @Test
    void endless_text_without_delimiters_is_handed_on_chunk_by_chunk() {
        var parser = new MetaResponseParser();
        String chunk = "lorem ipsum dolor sit amet, ".repeat(40);
        for (int k = 0; k < 10_000; k++) {
            assertThat(parser.feed(chunk)).containsExactly(new ParseEvent.Text(chunk));
        }
        assertThat(parser.finish()).isEmpty();
    }

    @Test
    void modaverse_line_is_read_at_line_start() {
        var events = parse("Sure, here it is.\nModality: [IMAGE] Prompt: a cat on a mat\nAnything else?");
        assertThat(events).hasSize(3);
        var meta = (ParseEvent.Meta) events.get(1);
        assertThat(meta.call().task()).isEqualTo("text-to-image");
        assertThat(meta.call().args().get("prompt").asText()).isEqualTo("a cat on a mat");
        assertThat(meta.call().dialect()).isEqualTo(Dialect.MODAVERSE);
        assertThat(meta.raw()).isEqualTo("Modality: [IMAGE] Prompt: a cat on a mat");
        assertThat(events.get(2)).isEqualTo(new ParseEvent.Text("\nAnything else?"));
    }

    @Test
    void modaverse_line_after_prose_on_the_same_line_is_a_call() {
        var events = parse("Sure! Modality: [IMAGE] Prompt: a red kite\nThere you go.");
        assertThat(events).hasSize(3);
        assertThat(events.get(0)).isEqualTo(new ParseEvent.Text("Sure! "));
        var meta = (ParseEvent.Meta) events.get(1);
        assertThat(meta.call().task()).isEqualTo("text-to-image");
        assertThat(meta.call().args().get("prompt").asText()).isEqualTo("a red kite");
        assertThat(meta.raw()).isEqualTo("Modality: [IMAGE] Prompt: a red kite");
        assertThat(events.get(2)).isEqualTo(new ParseEvent.Text("\nThere you go."));
    }

    @Test
    void prose_that_mentions_a_modality_mid_line_stays_text() {
        String text = "The Modality: sight matters. Many Models agree.\nMore.";
        assertThat(parse(text)).containsExactly(new ParseEvent.Text(text));
        for (int chunk = 1; chunk < 8; chunk++) {
            MetaResponseParser parser = new MetaResponseParser();
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < text.length(); i += chunk) {
                parser.feed(text.substring(i, Math.min(text.length(), i + chunk))).forEach(e -> seen.append(((ParseEvent.Text) e).text()));
            }
            parser.finish().forEach(e -> seen.append(((ParseEvent.Text) e).text()));
            assertThat(seen.toString()).isEqualTo(text);
        }
    }

    @Test
    void modaverse_line_at_end_of_stream_is_complete() {
        var meta = onlyMeta(parse("Modality: [AUDIO] Prompt: rain on a tin roof"));
        assertThat(meta.call().task()).isEqualTo("text-to-audio");
    }

    @Test
    void modaverse_line_with_unknown_modality_is_malformed() {
        var events = parse("Modality: [SMELL] Prompt: roses");
        assertThat(((ParseEvent.Malformed) events.get(0)).reason()).contains("SMELL");
    }

    @Test
    void words_that_start_like_modality_stay_text() {
        assertThat(parse("Modal logic\nMom\nmodality is a word")).containsExactly(new ParseEvent.Text("Modal logic\nMom\nmodality is a word"));
    }

    @Test
    void paper_notation_with_unquoted_keys_is_read() {
        var events = parse("I will draw it. {Model: \"T-to-V\", Input: \"a dog running on a beach\"} Done.");
        assertThat(events).hasSize(3);
        var meta = (ParseEvent.Meta) events.get(1);
        assertThat(meta.call().task()).isEqualTo("text-to-video");
        assertThat(meta.call().args().get("prompt").asText()).isEqualTo("a dog running on a beach");
        assertThat(meta.raw()).isEqualTo("{Model: \"T-to-V\", Input: \"a dog running on a beach\"}");
    }

    @Test
    void braces_in_ordinary_text_stay_text() {
        String text = "In Java, use {} for blocks and {\"json\": true} for data; {Mode: x} too.";
        assertThat(parse(text)).containsExactly(new ParseEvent.Text(text));
    }

    @Test
    void an_over_long_paper_block_with_an_endless_string_is_malformed_while_streaming() {
        var parser = new MetaResponseParser(MetaResponseParser.Options.defaults().withMaxBlockChars(100));
        List<ParseEvent> events = new ArrayList<>(parser.feed("{Model: \"T-to-I\", Input: \""));
        for (int k = 0; k < 20; k++) {
            events.addAll(parser.feed("bbbbbbbbbb"));
        }
        assertThat(events).filteredOn(ParseEvent.Malformed.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((ParseEvent.Malformed) e).reason()).contains("within 100"));
    }

    @Test
    void paper_notation_with_unknown_model_is_malformed() {
        var events = parse("{Model: \"T-to-3D\", Input: \"a chair\"}");
        assertThat(((ParseEvent.Malformed) events.get(0)).reason()).contains("T-to-3D");
    }

    @Test
    void a_lone_high_surrogate_at_a_chunk_end_is_held_until_its_pair_arrives() {
        var parser = new MetaResponseParser();
        String smile = "\uD83D\uDE00";
        var first = parser.feed("hi " + smile.charAt(0));
        assertThat(first).containsExactly(new ParseEvent.Text("hi "));
        assertThat(parser.feed(smile.charAt(1) + "!")).containsExactly(new ParseEvent.Text(smile + "!"));
    }

    @Test
    void feeding_after_finish_is_refused() {
        var parser = new MetaResponseParser();
        parser.finish();
        assertThatThrownBy(() -> parser.feed("x")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void dialects_can_be_switched_off() {
        var parser = new MetaResponseParser(MetaResponseParser.Options.defaults().withDialects(java.util.EnumSet.of(Dialect.CANONICAL)));
        var events = new ArrayList<>(parser.feed("Modality: [IMAGE] Prompt: x"));
        events.addAll(parser.finish());
        assertThat(events).containsExactly(new ParseEvent.Text("Modality: [IMAGE] Prompt: x"));
    }
}
