package dev.modaweave.agent;

import dev.modaweave.tools.ToolCatalog;
import dev.modaweave.tools.ToolDescriptor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The tools a call may be routed to, as the validator, the dispatcher and the prompt catalog see
 * them: a view of a live {@link ToolCatalog} that applies the {@link Previews} switch and orders the
 * tools of a task by {@link ToolDescriptor#priority()} (highest first, registration order among
 * equals).
 *
 * <p>Preview tools ({@link ToolDescriptor#preview()}) make labelled stand-in media. With
 * {@link Previews#AUTO} a preview serves a task only while no other tool of that task is available,
 * or when a call names it; with {@link Previews#ALWAYS} it competes like any other tool; with
 * {@link Previews#OFF} it is not visible at all, so a task served only by previews has no tool.
 */
public final class RoutingCatalog implements ToolCatalog {

    /** When preview tools serve a task. */
    public enum Previews {
        /** Only when no other tool of the task is available, or when a call names the preview (the default). */
        AUTO,
        /** Like any other tool. */
        ALWAYS,
        /** Never: previews are invisible. */
        OFF;

        /** Parses {@code auto}, {@code always} or {@code off} (any case). */
        public static Previews parse(String value) {
            for (Previews p : values()) {
                if (p.name().equalsIgnoreCase(value)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("previews is '" + value + "'; use auto, always or off");
        }

        /** The wire and configuration name. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Comparator<ToolDescriptor> BY_PRIORITY = Comparator.comparingInt(ToolDescriptor::priority).reversed();

    private final ToolCatalog tools;
    private final Previews previews;

    private RoutingCatalog(ToolCatalog tools, Previews previews) {
        this.tools = tools;
        this.previews = previews;
    }

    /** The routing view of {@code tools} under {@code previews}; a routing catalog is not wrapped twice. */
    public static RoutingCatalog of(ToolCatalog tools, Previews previews) {
        Objects.requireNonNull(previews, "previews");
        if (tools instanceof RoutingCatalog r) {
            return r.previews == previews ? r : new RoutingCatalog(r.tools, previews);
        }
        return new RoutingCatalog(Objects.requireNonNull(tools, "tools"), previews);
    }

    /** The catalog underneath, with every tool. */
    public ToolCatalog tools() {
        return tools;
    }

    public Previews previews() {
        return previews;
    }

    @Override
    public Optional<ToolDescriptor> byName(String name) {
        return tools.byName(name).filter(d -> !(d.preview() && previews == Previews.OFF));
    }

    @Override
    public List<ToolDescriptor> byTask(String task) {
        List<ToolDescriptor> all = tools.byTask(task);
        List<ToolDescriptor> out = new ArrayList<>(all.size());
        boolean realAvailable = previews == Previews.AUTO
                && all.stream().anyMatch(d -> !d.preview() && tools.isAvailable(d.name()));
        for (ToolDescriptor d : all) {
            if (!d.preview() || previews == Previews.ALWAYS || previews == Previews.AUTO && !realAvailable) {
                out.add(d);
            }
        }
        out.sort(BY_PRIORITY);
        return out;
    }

    @Override
    public List<ToolDescriptor> all() {
        List<ToolDescriptor> out = new ArrayList<>();
        List<String> tasks = tools.all().stream().map(ToolDescriptor::task).distinct().toList();
        for (String task : tasks) {
            out.addAll(byTask(task));
        }
        return out;
    }

    @Override
    public boolean isAvailable(String name) {
        return byName(name).isPresent() && tools.isAvailable(name);
    }
}
