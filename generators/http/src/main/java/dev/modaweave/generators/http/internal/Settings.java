package dev.modaweave.generators.http.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reads from a generic configuration map (as YAML or JSON maps it), remembering which keys
 * were read so that a misspelt setting fails instead of being silently ignored.
 */
public final class Settings {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|kib|mb|mib|gb|gib)?");

    private final Map<String, Object> values;
    private final String owner;
    private final Set<String> read = new HashSet<>();

    public Settings(Map<String, ?> values, String owner) {
        this.values = new LinkedHashMap<>(values);
        this.owner = owner;
    }

    public boolean has(String key) {
        read.add(key);
        return values.get(key) != null;
    }

    public String string(String key) {
        read.add(key);
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Map || value instanceof List) {
            throw bad(key, value, "a text value");
        }
        return value.toString();
    }

    public String requireString(String key) {
        String value = string(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(owner + ": setting '" + key + "' is required");
        }
        return value;
    }

    public Integer integer(String key) {
        read.add(key);
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        try {
            return value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) ? n.intValue()
                    : Integer.parseInt(value.toString().strip());
        } catch (NumberFormatException e) {
            throw bad(key, value, "a whole number");
        }
    }

    public Double number(String key) {
        read.add(key);
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        try {
            return value instanceof Number n ? n.doubleValue() : Double.parseDouble(value.toString().strip());
        } catch (NumberFormatException e) {
            throw bad(key, value, "a number");
        }
    }

    public Boolean bool(String key) {
        read.add(key);
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = value.toString().strip().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw bad(key, value, "true or false");
    }

    /** A duration: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, ISO-8601 {@code PT30S}, or a number of seconds. */
    public Duration duration(String key) {
        read.add(key);
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Number n) {
            return Duration.ofMillis(Math.round(n.doubleValue() * 1000));
        }
        String text = value.toString().strip().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(text);
        if (m.matches()) {
            double amount = Double.parseDouble(m.group(1));
            long millis = switch (m.group(2)) {
                case "ms" -> Math.round(amount);
                case "s" -> Math.round(amount * 1000);
                case "m" -> Math.round(amount * 60_000);
                default -> Math.round(amount * 3_600_000);
            };
            return Duration.ofMillis(millis);
        }
        try {
            return Duration.parse(value.toString().strip());
        } catch (DateTimeParseException e) {
            throw bad(key, value, "a duration such as 500ms, 30s, 2m or PT30S");
        }
    }

    /** A byte count: a number, or with a unit {@code KB}, {@code MB}, {@code GB} (powers of 1024, as {@code KiB}…). */
    public Long bytes(String key) {
        read.add(key);
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        Matcher m = SIZE.matcher(value.toString().strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw bad(key, value, "a size such as 67108864, 512KB or 64MB");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        return switch (unit.charAt(0)) {
            case 'k' -> amount * 1024;
            case 'm' -> amount * 1024 * 1024;
            case 'g' -> amount * 1024 * 1024 * 1024;
            default -> amount;
        };
    }

    public List<String> strings(String key) {
        read.add(key);
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            list.forEach(item -> out.add(String.valueOf(item)));
            return out;
        }
        throw bad(key, value, "a list");
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String key) {
        read.add(key);
        Object value = values.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw bad(key, value, "a map of names to values");
    }

    /** An error about these settings, prefixed with whose settings they are. */
    public IllegalArgumentException problem(String message) {
        return new IllegalArgumentException(owner + ": " + message);
    }

    /** @throws IllegalArgumentException naming every key that was never read, and the known ones */
    public void requireAllRead() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(owner + ": unknown setting" + (unknown.size() > 1 ? "s " : " ") + unknown
                    + "; known settings are " + new TreeSet<>(read));
        }
    }

    private IllegalArgumentException bad(String key, Object value, String expected) {
        String shown = key.toLowerCase(Locale.ROOT).contains("key") ? "(value hidden)" : "'" + Text.shorten(String.valueOf(value), 80) + "'";
        return new IllegalArgumentException(owner + ": setting '" + key + "' is " + shown + " but must be " + expected);
    }
}
