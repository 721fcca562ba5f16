package dev.modaweave.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.modaweave.tools.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RecordSchemaTest {

    private static JsonSchema schema() throws IOException {
        try (InputStream in = RecordSchemaTest.class.getResourceAsStream("/dev/modaweave/datasets/record.schema.json")) {
            assertThat(in).as("record.schema.json on the class path").isNotNull();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(Json.MAPPER.readTree(in));
        }
    }

    @Test
    void every_built_record_matches_the_committed_json_schema(@TempDir Path out) throws IOException {
        DatasetBuilder.builder().captions(List.of(TestData.captionsDir())).outDir(out).seed(11).size(400)
                .embedder(HashingEmbedder::new).build().build();
        JsonSchema schema = schema();
        int checked = 0;
        for (Split s : Split.values()) {
            for (String line : Files.readAllLines(out.resolve(s.wireName() + ".jsonl"))) {
                JsonNode node = Json.parse(line);
                assertThat(schema.validate(node)).as(line).isEmpty();
                checked++;
            }
        }
        assertThat(checked).isEqualTo(400);
    }

    @Test
    void the_schema_rejects_a_record_with_an_unknown_kind() throws IOException {
        JsonNode bad = Json.parse("{\"id\":\"r\",\"kind\":\"other\",\"variant\":\"x\",\"split\":\"train\",\"captions\":[],"
                + "\"media\":[],\"messages\":[],\"calls\":[],\"template\":\"\",\"paraphrased\":false}");
        assertThat(schema().validate(bad)).isNotEmpty();
    }
}
