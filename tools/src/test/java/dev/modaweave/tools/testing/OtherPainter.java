package dev.modaweave.tools.testing;

import dev.modaweave.tools.GenerationRequest;
import dev.modaweave.tools.GenerationResult;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.ProgressListener;
import dev.modaweave.tools.ToolDescriptor;

/** Service providers for the registry's discovery test: two classes that claim the same tool name. */
public final class OtherPainter {

    private OtherPainter() {
    }

    /** The first provider of {@code painter}. */
    public static final class First implements GeneratorTool {
        @Override
        public ToolDescriptor descriptor() {
            return ScriptedTool.imageDescriptor("painter", 1);
        }

        @Override
        public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
            return ScriptedTool.png();
        }
    }

    /** A second provider of {@code painter}. */
    public static final class Second implements GeneratorTool {
        @Override
        public ToolDescriptor descriptor() {
            return ScriptedTool.imageDescriptor("painter", 1);
        }

        @Override
        public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
            return ScriptedTool.png();
        }
    }

    /** A provider of {@code sketcher}. */
    public static final class Sketcher implements GeneratorTool {
        @Override
        public ToolDescriptor descriptor() {
            return ScriptedTool.imageDescriptor("sketcher", 1);
        }

        @Override
        public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
            return ScriptedTool.png();
        }
    }
}
