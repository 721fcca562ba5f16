package dev.modaweave.agent;

import dev.modaweave.tools.Modality;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.modaweave.agent.TestCatalog.json;
import static org.assertj.core.api.Assertions.assertThat;

class MetaResponseValidatorTest {

    private final MetaResponseValidator validator = new MetaResponseValidator(TestCatalog.catalog(), TurnLimits.defaults());

    private static MetaResponse call(String id, String task, String args) {
        return MetaResponse.ofTask(id, task, json(args));
    }

    private List<ValidationError> validate(MetaResponse... calls) {
        return validator.validateTurn(List.of(calls), Set.of());
    }

    private static List<ValidationError.Code> codes(List<ValidationError> errors) {
        return errors.stream().map(ValidationError::code).toList();
    }

    @Test
    void an_image_then_an_edit_of_it_is_valid() {
        assertThat(validate(
                call("img1", "text-to-image", "{\"prompt\":\"a fox\"}"),
                call("edit1", "image-edit", "{\"image\":{\"$ref\":\"img1\"},\"prompt\":\"warmer\",\"strength\":0.3}"))).isEmpty();
    }

    @Test
    void unknown_task_lists_the_available_ones() {
        var errors = validate(call("a", "text-to-smell", "{}"));
        assertThat(codes(errors)).containsExactly(ValidationError.Code.UNKNOWN_TASK);
        assertThat(errors.get(0).message()).contains("text-to-smell").contains("text-to-image");
    }

    @Test
    void unknown_tool_and_task_tool_mismatch_are_reported() {
        var unknown = validate(new MetaResponse("a", null, "dalle9", json("{}"), Dialect.CANONICAL));
        assertThat(codes(unknown)).containsExactly(ValidationError.Code.UNKNOWN_TOOL);
        assertThat(unknown.get(0).message()).contains("dalle9").contains("paint");
        var mismatch = validate(new MetaResponse("a", "text-to-video", "paint", json("{\"prompt\":\"x\"}"), Dialect.CANONICAL));
        assertThat(codes(mismatch)).containsExactly(ValidationError.Code.TASK_TOOL_MISMATCH);
    }

    @Test
    void every_schema_violation_is_reported_with_its_pointer() {
        var errors = validate(call("img1", "text-to-image", "{\"prompt\":\"\",\"width\":9999,\"style\":\"x\"}"));
        assertThat(errors).allSatisfy(e -> assertThat(e.code()).isEqualTo(ValidationError.Code.SCHEMA));
        assertThat(errors).extracting(ValidationError::pointer).contains("/prompt", "/width");
        assertThat(errors.toString()).contains("style");
    }

    @Test
    void dangling_reference_is_rejected() {
        var errors = validate(call("e", "image-edit", "{\"image\":{\"$ref\":\"nowhere\"},\"prompt\":\"x\"}"));
        assertThat(codes(errors)).containsExactly(ValidationError.Code.DANGLING_REF);
        assertThat(errors.get(0).pointer()).isEqualTo("/image");
        assertThat(errors.get(0).message()).contains("nowhere");
    }

    @Test
    void cyclic_references_are_rejected_naming_the_cycle() {
        var errors = validate(
                call("a", "image-edit", "{\"image\":{\"$ref\":\"b\"},\"prompt\":\"x\"}"),
                call("b", "image-edit", "{\"image\":{\"$ref\":\"a\"},\"prompt\":\"y\"}"));
        assertThat(codes(errors)).containsExactly(ValidationError.Code.CYCLIC_REF);
        assertThat(errors.get(0).message()).contains("a → b → a");
    }

    @Test
    void a_call_referring_to_itself_is_a_cycle() {
        var errors = validate(call("a", "image-edit", "{\"image\":{\"$ref\":\"a\"},\"prompt\":\"x\"}"));
        assertThat(codes(errors)).containsExactly(ValidationError.Code.CYCLIC_REF);
    }

    @Test
    void a_reference_where_no_artifact_is_taken_is_rejected() {
        var errors = validate(
                call("img1", "text-to-image", "{\"prompt\":\"a fox\"}"),
                call("s", "text-to-speech", "{\"text\":{\"$ref\":\"img1\"}}"));
        assertThat(codes(errors)).contains(ValidationError.Code.REF_NOT_ALLOWED);
    }

    @Test
    void a_reference_to_the_wrong_modality_is_rejected() {
        var errors = validate(
                call("s", "text-to-speech", "{\"text\":\"hello\"}"),
                call("e", "image-edit", "{\"image\":{\"$ref\":\"s\"},\"prompt\":\"x\"}"));
        assertThat(codes(errors)).containsExactly(ValidationError.Code.REF_MODALITY_MISMATCH);
        assertThat(errors.get(0).message()).contains("audio").contains("image");
    }

    @Test
    void duplicate_ids_and_too_many_calls_are_rejected() {
        var small = new MetaResponseValidator(TestCatalog.catalog(), new TurnLimits(2, 1024));
        var errors = small.validateTurn(List.of(
                call("a", "text-to-image", "{\"prompt\":\"1\"}"),
                call("a", "text-to-image", "{\"prompt\":\"2\"}"),
                call("c", "text-to-image", "{\"prompt\":\"3\"}")), Set.of());
        assertThat(codes(errors)).containsExactlyInAnyOrder(ValidationError.Code.DUPLICATE_ID, ValidationError.Code.TOO_MANY_CALLS);
    }

    @Test
    void oversized_arguments_are_rejected() {
        var small = new MetaResponseValidator(TestCatalog.catalog(), new TurnLimits(4, 100));
        var errors = small.validateTurn(List.of(call("a", "text-to-image", "{\"prompt\":\"" + "x".repeat(200) + "\"}")), Set.of());
        assertThat(codes(errors)).containsExactly(ValidationError.Code.ARGUMENTS_TOO_LARGE);
    }

    @Test
    void an_artifact_from_an_earlier_turn_can_be_edited() {
        String earlier = "art_" + "b".repeat(26);
        var errors = validator.validateTurn(List.of(call("e", "image-edit",
                "{\"image\":{\"$ref\":\"" + earlier + "\"},\"prompt\":\"darker\"}")), Map.of(earlier, Modality.IMAGE));
        assertThat(errors).isEmpty();
    }

    @Test
    void a_streamed_turn_accepts_only_references_to_earlier_calls() {
        var turn = validator.startTurn(Collections.emptyMap());
        assertThat(turn.accept(call("e", "image-edit", "{\"image\":{\"$ref\":\"img1\"},\"prompt\":\"x\"}")))
                .extracting(ValidationError::code).containsExactly(ValidationError.Code.DANGLING_REF);
        assertThat(turn.accept(call("img1", "text-to-image", "{\"prompt\":\"a fox\"}"))).isEmpty();
        assertThat(turn.accept(call("e2", "image-edit", "{\"image\":{\"$ref\":\"img1\"},\"prompt\":\"x\"}"))).isEmpty();
        assertThat(turn.accepted()).extracting(MetaResponse::id).containsExactly("img1", "e2");
    }

    @Test
    void a_corrected_call_may_reuse_the_id_of_its_rejected_version_but_not_of_an_accepted_one() {
        var turn = validator.startTurn(Map.of());
        assertThat(turn.accept(call("img1", "text-to-image", "{}"))).isNotEmpty();
        assertThat(turn.accept(call("img1", "text-to-image", "{\"prompt\":\"fixed\"}"))).isEmpty();
        assertThat(turn.accept(call("img1", "text-to-image", "{\"prompt\":\"again\"}")))
                .extracting(ValidationError::code).containsExactly(ValidationError.Code.DUPLICATE_ID);
    }

    @Test
    void a_tool_registered_again_with_another_schema_is_checked_against_the_new_one() {
        var current = new java.util.concurrent.atomic.AtomicReference<>(TestCatalog.IMAGE);
        dev.modaweave.tools.ToolCatalog live = new dev.modaweave.tools.ToolCatalog() {
            public java.util.Optional<dev.modaweave.tools.ToolDescriptor> byName(String name) {
                return java.util.Optional.of(current.get()).filter(d -> d.name().equals(name));
            }

            public List<dev.modaweave.tools.ToolDescriptor> byTask(String task) {
                return current.get().task().equals(task) ? List.of(current.get()) : List.of();
            }

            public List<dev.modaweave.tools.ToolDescriptor> all() {
                return List.of(current.get());
            }
        };
        var v = new MetaResponseValidator(live, TurnLimits.defaults());
        var args = call("a", "text-to-image", "{\"prompt\":\"x\",\"width\":4000}");
        assertThat(v.validateTurn(List.of(args), Set.of())).extracting(ValidationError::pointer).containsExactly("/width");
        current.set(dev.modaweave.tools.ToolDescriptor.builder().name("paint").task("text-to-image").outputModality(Modality.IMAGE)
                .argumentsSchema(json("{\"type\":\"object\",\"properties\":{\"prompt\":{\"type\":\"string\"},\"width\":{\"type\":\"integer\"}}}"))
                .build());
        assertThat(v.validateTurn(List.of(args), Set.of())).isEmpty();
    }

    @Test
    void a_reference_to_a_rejected_call_says_so() {
        var turn = validator.startTurn(Map.of());
        assertThat(turn.accept(call("img1", "text-to-image", "{}"))).isNotEmpty();
        var errors = turn.accept(call("e", "image-edit", "{\"image\":{\"$ref\":\"img1\"},\"prompt\":\"x\"}"));
        assertThat(errors).singleElement().satisfies(e -> assertThat(e.message()).contains("rejected"));
    }
}
