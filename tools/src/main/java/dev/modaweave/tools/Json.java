package dev.modaweave.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Map;

/**
 * The one Jackson configuration Modaweave uses for wire JSON: strict (duplicate keys and trailing
 * tokens rejected), with nesting and string lengths bounded so that hostile input cannot exhaust
 * memory or stack.
 */
public final class Json {

    /** Shared, thread-safe mapper. Do not reconfigure it. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(200)
                .maxStringLength(16 * 1024 * 1024)
                .build());
    }

    /** A new empty object node. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses JSON text. @throws IllegalArgumentException with the parser's reason */
    public static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    /** Compact JSON text of a node or a value. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How deeply {@link #toObjectNode} and {@link #toJsonObject} nest, the same bound parsing has. */
    private static final int MAX_DEPTH = 200;

    /**
     * The Jackson tree of a Vert.x JSON object, built node by node: the same tree as parsing the
     * object's text, without writing and reading the text.
     *
     * @throws IllegalArgumentException when the object nests deeper than parsing allows or holds a
     *                                  value JSON cannot express
     */
    public static ObjectNode toObjectNode(JsonObject object) {
        return (ObjectNode) node(object, 0);
    }

    /**
     * The Vert.x JSON object of a Jackson object node, built node by node: the same object as parsing
     * the node's text, without writing and reading the text.
     *
     * @throws IllegalArgumentException when the node nests deeper than parsing allows
     */
    public static JsonObject toJsonObject(ObjectNode node) {
        return (JsonObject) value(node, 0);
    }

    private static JsonNode node(Object value, int depth) {
        JsonNodeFactory f = MAPPER.getNodeFactory();
        if (value == null) {
            return f.nullNode();
        }
        if (value instanceof String s) {
            return f.textNode(s);
        }
        if (value instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return f.numberNode(((Number) value).intValue());
        }
        if (value instanceof Long l) {
            return f.numberNode(l);
        }
        if (value instanceof Double d) {
            return f.numberNode(d);
        }
        if (value instanceof Float x) {
            return f.numberNode(x.doubleValue());
        }
        if (value instanceof BigInteger b) {
            return f.numberNode(b);
        }
        if (value instanceof BigDecimal b) {
            return f.numberNode(b);
        }
        if (depth >= MAX_DEPTH) {
            throw new IllegalArgumentException("JSON nests deeper than " + MAX_DEPTH + " levels");
        }
        if (value instanceof JsonObject o) {
            ObjectNode n = f.objectNode();
            for (Map.Entry<String, Object> e : o) {
                n.set(e.getKey(), node(e.getValue(), depth + 1));
            }
            return n;
        }
        if (value instanceof JsonArray a) {
            ArrayNode n = f.arrayNode(a.size());
            for (Object item : a) {
                n.add(node(item, depth + 1));
            }
            return n;
        }
        throw new IllegalArgumentException("a " + value.getClass().getSimpleName() + " is not a JSON value");
    }

    private static Object value(JsonNode node, int depth) {
        if (node.isObject()) {
            if (depth >= MAX_DEPTH) {
                throw new IllegalArgumentException("JSON nests deeper than " + MAX_DEPTH + " levels");
            }
            JsonObject o = new JsonObject(new java.util.LinkedHashMap<>(Math.max(4, node.size() * 2)));
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                o.put(e.getKey(), value(e.getValue(), depth + 1));
            }
            return o;
        }
        if (node.isArray()) {
            if (depth >= MAX_DEPTH) {
                throw new IllegalArgumentException("JSON nests deeper than " + MAX_DEPTH + " levels");
            }
            JsonArray a = new JsonArray(new java.util.ArrayList<>(node.size()));
            for (JsonNode item : node) {
                a.add(value(item, depth + 1));
            }
            return a;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNull() || node.isMissingNode()) {
            return null;
        }
        // binary and POJO nodes: what their text would parse back as
        return value(parse(write(node)), depth);
    }

    private Json() {
    }
}
