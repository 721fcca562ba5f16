package dev.modaweave.tools;

import java.util.List;
import java.util.Optional;

/**
 * Read-only view of the tools available right now, as the dispatcher, the validator and the prompt
 * catalog see them. The tool registry is the live implementation; tests may use
 * {@link #of(ToolDescriptor...)}.
 */
public interface ToolCatalog {

    /** The tool with this name, if registered. */
    Optional<ToolDescriptor> byName(String name);

    /** Every registered tool that performs {@code task}, in registration order. */
    List<ToolDescriptor> byTask(String task);

    /** Every registered tool, in registration order. */
    List<ToolDescriptor> all();

    /**
     * Whether the tool can serve calls right now (its workers are alive and their circuit breakers
     * closed). A fixed catalog says true for every tool it holds.
     */
    default boolean isAvailable(String name) {
        return byName(name).isPresent();
    }

    /** A fixed catalog of the given descriptors. */
    static ToolCatalog of(ToolDescriptor... descriptors) {
        List<ToolDescriptor> list = List.of(descriptors);
        return new ToolCatalog() {
            @Override
            public Optional<ToolDescriptor> byName(String name) {
                return list.stream().filter(d -> d.name().equals(name)).findFirst();
            }

            @Override
            public List<ToolDescriptor> byTask(String task) {
                return list.stream().filter(d -> d.task().equals(task)).toList();
            }

            @Override
            public List<ToolDescriptor> all() {
                return list;
            }
        };
    }
}
