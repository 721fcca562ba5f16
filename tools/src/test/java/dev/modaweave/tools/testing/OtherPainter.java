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

    /** A provider that paints a one-pixel PNG under a fixed name. */
    abstract static class Named implements GeneratorTool {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public ToolDescriptor descriptor() {
            return ScriptedTool.imageDescriptor(name, 1);
        }

        @Override
        public GenerationResult generate(GenerationRequest request, ProgressListener progress) {
            return ScriptedTool.png();
        }
    }

    /** The first provider of {@code painter}. */
    public static final class First extends Named {
        public First() {
            super("painter");
        }
    }

    /** A second provider of {@code painter}. */
    public static final class Second extends Named {
        public Second() {
            super("painter");
        }
    }

    /** A provider of {@code sketcher}. */
    public static final class Sketcher extends Named {
        public Sketcher() {
            super("sketcher");
        }
    }
}
