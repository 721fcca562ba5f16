package dev.modaweave.tools;

/**
 * Makes generator tools of one backend kind from settings: the way a backend that needs
 * configuration (a server's URL, a model's files) becomes a tool. One class implementing this
 * interface plus a line in {@code META-INF/services/dev.modaweave.tools.GeneratorToolFactory};
 * the application finds every factory with {@link java.util.ServiceLoader} (on its own class path
 * and in each plugin jar) and builds each entry of {@code tools.backends} in {@code modaweave.yaml}
 * with the factory whose {@link #kind()} the entry's {@code backend} key names.
 *
 * <pre>{@code
 * tools:
 *   backends:
 *     - backend: automatic1111     # the factory's kind
 *       name: sd-a1111             # the tool's name; every other key is the factory's
 *       baseUrl: http://127.0.0.1:7860
 * }</pre>
 *
 * Two factories of the same kind stop the start with a message naming both classes.
 */
public interface GeneratorToolFactory {

    /**
     * The backend kind this factory makes, the value of {@code backend:}: lower-case words joined by
     * {@code -}, e.g. {@code automatic1111}, {@code openai-images}, {@code torchscript}.
     */
    String kind();

    /** One sentence for {@code tools list --kinds} and the docs: what the backend is. */
    String description();

    /**
     * Makes one tool.
     *
     * @param settings the entry's keys (including {@code backend} and {@code name}), where relative
     *                 paths resolve and secrets come from
     * @return the tool, ready to register; the caller closes it
     * @throws IllegalArgumentException when a setting is missing or invalid; the message names the key
     *                                  and what is allowed
     * @throws ToolException            when the backend cannot be set up (a model file that does not load…)
     */
    GeneratorTool create(ToolSettings settings);
}
