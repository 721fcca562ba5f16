package dev.modaweave.tools.contract;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.ArgumentsSchema;
import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.InvalidArgumentsException;
import dev.modaweave.tools.MediaTypes;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.Tasks;
import dev.modaweave.tools.ToolCancelledException;
import dev.modaweave.tools.ToolDescriptor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract every {@link GeneratorTool} passes. A tool's test extends this class and supplies
 * the tool, arguments that must work and arguments that must be refused; the inherited tests
 * check that the descriptor and its schema are valid, bad arguments are rejected with
 * {@link InvalidArgumentsException}, the artifact is well-formed (bytes match the media type and
 * the declared output modality, where an animated GIF counts as video; attributes are plain JSON
 * values that agree with the media), cancellation is honoured, and that
 * a tool declaring itself deterministic gives the same bytes twice.
 *
 * <pre>{@code
 * class MyToolTest extends GeneratorToolContract {
 *     protected GeneratorTool createTool() { return new MyTool(); }
 *     protected ObjectNode validArguments() { return args("{\"prompt\":\"a red fox\"}"); }
 *     protected List<ObjectNode> invalidArguments() { return List.of(args("{}"), args("{\"prompt\":7}")); }
 * }
 * }</pre>
 *
 * <p>The tool is created once per test class and closed after the last test, so expensive tools
 * (a loaded model) are loaded once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class GeneratorToolContract {

    private GeneratorTool tool;

    /** Creates the tool under test; called once per test class. */
    protected abstract GeneratorTool createTool();

    /** Arguments the tool must accept and turn into media. */
    protected abstract ObjectNode validArguments();

    /** Arguments the tool must refuse with {@link InvalidArgumentsException}; at least one. */
    protected abstract List<ObjectNode> invalidArguments();

    /** Input artifacts handed to every call (e.g. the image an edit starts from); none by default. */
    protected Map<String, GenerationRequest.InputArtifact> inputs() {
        return Map.of();
    }

    /** Whether the same arguments always give the same bytes. */
    protected boolean deterministic() {
        return false;
    }

    /**
     * Whether generation takes long enough that a cancellation arriving during it (at the tool's
     * first progress report) must stop it. Tools that finish in a few milliseconds answer false.
     */
    protected boolean cancellableDuringGeneration() {
        return false;
    }

    /** Arguments for the cancel-during-generation test; by default {@link #validArguments()}. */
    protected ObjectNode slowArguments() {
        return validArguments();
    }

    /** Parses JSON text into an arguments object. */
    protected static ObjectNode args(String json) {
        return (ObjectNode) dev.modaweave.tools.Json.parse(json);
    }

    /** The tool under test. */
    protected final GeneratorTool tool() {
        return tool;
    }

    /** Runs the tool with {@code arguments}, this contract's inputs and a fresh cancellation. */
    protected final GenerationResult generate(ObjectNode arguments) {
        return tool.generate(new GenerationRequest("contract-job", arguments, inputs(), Cancellation.create()),
                ProgressListener.NONE);
    }

    @BeforeAll
    final void createToolOnce() {
        tool = createTool();
        assertThat(tool).as("createTool()").isNotNull();
    }

    @AfterAll
    final void closeTool() throws Exception {
        if (tool != null) {
            tool.close();
        }
    }

    @Test
    void descriptor_has_well_formed_name_task_and_modalities() {
        ToolDescriptor d = tool.descriptor();
        assertThat(d.name()).matches("[a-z0-9][a-z0-9_.-]{0,63}");
        assertThat(Tasks.isWellFormed(d.task())).as("task '%s' is well-formed", d.task()).isTrue();
        assertThat(d.inputModalities()).isNotEmpty();
        assertThat(d.description()).as("description").isNotBlank();
        assertThat(d.capacity()).isPositive();
        if (d.preview()) {
            assertThat(d.description().toLowerCase(Locale.ROOT)).as("a preview tool says so in its description")
                    .contains("preview");
        }
    }

    @Test
    void descriptor_schema_compiles_and_its_example_is_valid() {
        ToolDescriptor d = tool.descriptor();
        ArgumentsSchema schema = ArgumentsSchema.compile(d.name(), d.argumentsSchema());
        assertThat(d.example()).as("the descriptor's example").isNotNull();
        assertThat(schema.validate(d.example())).as("violations of the example").isEmpty();
        assertThat(d.inputModalities()).as("input modalities cover the artifact arguments")
                .containsAll(schema.artifactArguments().values());
    }

    @Test
    void valid_arguments_pass_the_schema() {
        ToolDescriptor d = tool.descriptor();
        assertThat(ArgumentsSchema.compile(d.name(), d.argumentsSchema()).validate(validArguments())).isEmpty();
    }

    @Test
    void invalid_arguments_are_rejected_with_invalid_arguments_exception() {
        List<ObjectNode> invalid = invalidArguments();
        assertThat(invalid).as("invalidArguments()").isNotEmpty();
        for (ObjectNode arguments : invalid) {
            assertThatThrownBy(() -> generate(arguments))
                    .as("generate(%s)", arguments)
                    .isInstanceOf(InvalidArgumentsException.class)
                    .hasMessageContaining(tool.descriptor().name());
        }
    }

    @Test
    void artifact_is_well_formed() throws IOException {
        GenerationResult result = generate(validArguments());
        assertThat(result.bytes()).isNotEmpty();
        String mime = MediaTypes.requireMatches(result.bytes(), result.mimeType());
        Modality declared = tool.descriptor().outputModality();
        boolean gifForVideo = declared == Modality.VIDEO && mime.equals("image/gif");
        if (!gifForVideo) {
            assertThat(Modality.ofMimeType(mime)).as("modality of %s", mime).isEqualTo(declared);
        }
        for (Map.Entry<String, Object> attribute : result.attributes().entrySet()) {
            Object value = attribute.getValue();
            assertThat(value).as("attribute %s", attribute.getKey())
                    .isInstanceOfAny(String.class, Number.class, Boolean.class);
            if (value instanceof Number n && List.of("width", "height", "durationMs", "frames", "sampleRate", "fps")
                    .contains(attribute.getKey())) {
                assertThat(n.doubleValue()).as("attribute %s", attribute.getKey()).isPositive();
            }
        }
        if (mime.equals("image/png") || mime.equals("image/jpeg") || mime.equals("image/gif")) {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(result.bytes()));
            assertThat(image).as("decoded %s", mime).isNotNull();
            assertDimension(result, "width", image.getWidth());
            assertDimension(result, "height", image.getHeight());
        }
    }

    @Test
    void a_cancelled_request_is_not_generated() {
        Cancellation cancellation = Cancellation.create();
        cancellation.cancel("caller went away");
        var request = new GenerationRequest("contract-job", validArguments(), inputs(), cancellation);
        assertThatThrownBy(() -> tool.generate(request, ProgressListener.NONE))
                .isInstanceOf(ToolCancelledException.class);
    }

    @Test
    void cancelling_during_generation_stops_it() {
        assumeTrue(cancellableDuringGeneration(), "the tool finishes too fast to be cancelled midway");
        Cancellation cancellation = Cancellation.create();
        AtomicInteger reports = new AtomicInteger();
        ProgressListener cancelAtFirstReport = (fraction, message) -> {
            if (reports.getAndIncrement() == 0) {
                cancellation.cancel("cancelled by the contract test");
            }
        };
        var request = new GenerationRequest("contract-job", slowArguments(), inputs(), cancellation);
        assertThatThrownBy(() -> tool.generate(request, cancelAtFirstReport))
                .isInstanceOf(ToolCancelledException.class);
        assertThat(reports.get()).as("progress reports (the first one cancels)").isPositive();
    }

    @Test
    void same_arguments_give_the_same_bytes_when_deterministic() {
        assumeTrue(deterministic(), "the tool does not declare deterministic output");
        GenerationResult first = generate(validArguments());
        GenerationResult second = generate(validArguments());
        assertThat(second.bytes()).isEqualTo(first.bytes());
        assertThat(second.mimeType()).isEqualTo(first.mimeType());
    }

    private static void assertDimension(GenerationResult result, String name, int actual) {
        Object declared = result.attributes().get(name);
        if (declared != null) {
            assertThat(((Number) declared).intValue()).as("attribute %s against the decoded image", name).isEqualTo(actual);
        }
    }
}
