package dev.modaweave.generators.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.tools.GenerationRequest;

import java.util.Map;

/**
 * The shared tool contract for an offline describer: every call describes one medium, handed as the
 * input artifact {@link #ID} of the describer's one argument.
 */
abstract class DescribeToolContract extends LocalToolContract {

    private final String argument;
    private final String mimeType;

    /**
     * @param argument the describer's artifact argument ({@code image}, {@code audio}, {@code video})
     * @param mimeType the type of {@link #medium()}
     */
    DescribeToolContract(String argument, String mimeType) {
        super(false);
        this.argument = argument;
        this.mimeType = mimeType;
    }

    /** The bytes every contract call describes. */
    abstract byte[] medium();

    @Override
    protected Map<String, GenerationRequest.InputArtifact> inputs() {
        return Map.of(argument, input(medium(), mimeType));
    }

    @Override
    protected ObjectNode validArguments() {
        return args("{\"" + argument + "\":\"" + ID + "\"}");
    }
}
