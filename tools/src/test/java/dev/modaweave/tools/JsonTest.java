package dev.modaweave.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    private static final String SAMPLE = """
            {"prompt":"a red fox","steps":30,"big":12345678901,"huge":123456789012345678901234567890,
             "scale":7.5,"seed":null,"tiled":false,"sizes":[512,768,{"w":1,"h":[true,"x",-2.25e-3]}],
             "empty":{},"none":[],"unicode":"snow \u2744 \\"quoted\\""}""";

    @Test
    void a_vertx_object_becomes_the_same_tree_as_parsing_its_text() {
        JsonObject object = new JsonObject(SAMPLE);

        ObjectNode converted = Json.toObjectNode(object);

        assertThat(converted).isEqualTo(Json.parse(object.encode()));
        assertThat(converted.get("big").isLong()).isTrue();
        assertThat(converted.get("huge").isBigInteger()).isTrue();
    }

    @Test
    void a_jackson_tree_becomes_the_same_object_as_parsing_its_text() {
        ObjectNode node = (ObjectNode) Json.parse(SAMPLE);

        JsonObject converted = Json.toJsonObject(node);

        assertThat(converted).isEqualTo(new JsonObject(Json.write(node)));
        assertThat(converted.encode()).isEqualTo(Json.write(node));
    }

    @Test
    void converted_trees_share_nothing_with_their_source() {
        ObjectNode node = (ObjectNode) Json.parse("{\"a\":{\"b\":[1]}}");
        JsonObject converted = Json.toJsonObject(node);

        converted.getJsonObject("a").getJsonArray("b").add(2);
        Json.toObjectNode(converted).putObject("c");

        assertThat(Json.write(node)).isEqualTo("{\"a\":{\"b\":[1]}}");
        assertThat(converted.encode()).isEqualTo("{\"a\":{\"b\":[1,2]}}");
    }

    @Test
    void nesting_deeper_than_parsing_allows_is_refused_with_a_clear_error() {
        JsonObject deep = new JsonObject();
        JsonObject inner = deep;
        for (int i = 0; i < 250; i++) {
            JsonObject next = new JsonObject();
            inner.put("n", next);
            inner = next;
        }

        assertThatThrownBy(() -> Json.toObjectNode(deep))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("deeper than 200");
    }

    @Test
    void values_that_are_not_json_are_refused_by_name() {
        JsonObject odd = new JsonObject().put("when", new Object());

        assertThatThrownBy(() -> Json.toObjectNode(odd))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Object is not a JSON value");
    }
}
