package dev.modaweave.app.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, {@code 7d} or ISO-8601 ({@code PT30S}). */
final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    static Duration parse(String key, String value) {
        Matcher m = SHORT.matcher(value.strip());
        Duration d;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(value.strip());
            } catch (DateTimeParseException e) {
                throw new ConfigException(key + " is '" + value + "'; use a duration such as 500ms, 30s, 2m, 1h, 7d or PT30S");
            }
        }
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(key + " is '" + value + "'; it must be positive");
        }
        return d;
    }

    private Durations() {
    }
}
