package dev.modaweave.generators.local;

import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GeneratorTool;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The shared tool contract for an offline describer, given as data: the describer, its one artifact
 * argument, the medium every call describes (handed as the input artifact {@link #ID}) and arguments
 * it must refuse (JSON text).
 */
abstract class DescribeToolContract extends LocalToolContract {

    private final String argument;
    private final String mimeType;
    private final Supplier<byte[]> medium;

    /**
     * @param tool     makes the describer
     * @param argument its artifact argument ({@code image}, {@code audio}, {@code video})
     * @param mimeType the type of the medium
     * @param medium   makes the bytes every contract call describes
     * @param invalid  arguments it must refuse, at least one
     */
    DescribeToolContract(Supplier<GeneratorTool> tool, String argument, String mimeType, Supplier<byte[]> medium,
                         String... invalid) {
        super(false, tool, "{\"" + argument + "\":\"" + ID + "\"}", invalid);
        this.argument = argument;
        this.mimeType = mimeType;
        this.medium = medium;
    }

    @Override
    protected Map<String, GenerationRequest.InputArtifact> inputs() {
        return Map.of(argument, input(medium.get(), mimeType));
    }
}
