package dev.modaweave.generators.local;

import dev.modaweave.generators.local.internal.PreviewSupport;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.ToolDescriptor;

/**
 * A local preview or describing tool: its descriptor and the checks that open every call (arguments
 * against the schema, cancellation) come from one {@link PreviewSupport}, which subclasses build.
 */
abstract class PreviewSupportedTool implements GeneratorTool {

    /** The descriptor and call checks of this tool. */
    final PreviewSupport support;

    PreviewSupportedTool(PreviewSupport support) {
        this.support = support;
    }

    @Override
    public final ToolDescriptor descriptor() {
        return support.descriptor();
    }
}
