package dev.modaweave.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArgumentsSchemaTest {

    private static ObjectNode json(String text) {
        return (ObjectNode) Json.parse(text);
    }

    private static final ObjectNode EDIT_SCHEMA = json("""
            {"type":"object","required":["image","prompt"],"additionalProperties":false,
             "properties":{
               "image":{"type":"string","pattern":"^art_[a-z2-7]{26}$","contentMediaType":"image/*"},
               "prompt":{"type":"string","minLength":1,"maxLength":2000},
               "strength":{"type":"number","minimum":0,"maximum":1}}}""");

    @Test
    void valid_arguments_have_no_violations() {
        var schema = ArgumentsSchema.compile("edit", EDIT_SCHEMA);
        assertThat(schema.validate(json("{\"image\":\"art_abcdefghijklmnopqrstuvwxyz\",\"prompt\":\"warmer\",\"strength\":0.4}")))
                .isEmpty();
    }

    @Test
    void every_violation_is_reported_with_its_json_pointer() {
        var schema = ArgumentsSchema.compile("edit", EDIT_SCHEMA);
        var violations = schema.validate(json("{\"image\":\"../etc/passwd\",\"prompt\":\"\",\"strength\":3,\"extra\":1}"));
        assertThat(violations).extracting(ArgumentsSchema.Violation::pointer)
                .contains("/image", "/prompt", "/strength");
        assertThat(violations).hasSizeGreaterThanOrEqualTo(4);
        assertThat(violations.toString()).contains("extra");
    }

    @Test
    void missing_required_argument_is_named() {
        var schema = ArgumentsSchema.compile("edit", EDIT_SCHEMA);
        assertThat(schema.validate(json("{\"image\":\"art_abcdefghijklmnopqrstuvwxyz\"}")).toString()).contains("prompt");
    }

    @Test
    void non_object_arguments_are_rejected() {
        var schema = ArgumentsSchema.compile("edit", EDIT_SCHEMA);
        assertThat(schema.validate(Json.parse("[1,2]"))).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("JSON object"));
    }

    @Test
    void artifact_arguments_are_found_from_content_media_type() {
        assertThat(ArgumentsSchema.compile("edit", EDIT_SCHEMA).artifactArguments())
                .containsExactlyEntriesOf(java.util.Map.of("image", Modality.IMAGE));
    }

    @Test
    void an_invalid_schema_fails_at_compile_time() {
        assertThatThrownBy(() -> ArgumentsSchema.compile("bad", json("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"strang\"}}}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bad'");
    }

    @Test
    void a_schema_that_is_not_of_an_object_is_rejected() {
        assertThatThrownBy(() -> ArgumentsSchema.compile("s", json("{\"type\":\"string\"}")))
                .hasMessageContaining("\"type\": \"object\"");
    }

    @Test
    void remote_refs_are_never_fetched() {
        var schema = json("{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"http://127.0.0.1:9/evil.json\"}}}");
        assertThatThrownBy(() -> ArgumentsSchema.compile("remote", schema).validate(json("{\"a\":1}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("remote");
    }

    @Test
    void require_valid_throws_a_typed_non_retriable_error() {
        var schema = ArgumentsSchema.compile("edit", EDIT_SCHEMA);
        assertThatThrownBy(() -> schema.requireValid(json("{}")))
                .isInstanceOf(InvalidArgumentsException.class)
                .satisfies(e -> assertThat(((ToolException) e).retriable()).isFalse());
    }
}
