package dev.modaweave.tools;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads an HTTP {@code Retry-After} header (RFC 9110): delay seconds ({@code 120}) or an HTTP-date, as the
 * wait measured from a clock's now, never negative and at most one hour, so that a backend or an LLM
 * provider cannot park a caller for longer. The HTTP generators and the LLM providers' retries read it here.
 */
public final class RetryAfter {

    private static final Duration MAX = Duration.ofHours(1);

    private RetryAfter() {
    }

    /**
     * The delay the header asks for, at most one hour, never negative; empty when the header is
     * missing or unreadable.
     */
    public static Optional<Duration> parse(String header, Clock clock) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.strip();
        Duration delay;
        if (value.matches("\\d{1,10}")) {
            delay = Duration.ofSeconds(Long.parseLong(value));
        } else {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                delay = Duration.between(clock.instant(), at.toInstant());
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        if (delay.isNegative()) {
            delay = Duration.ZERO;
        }
        return Optional.of(delay.compareTo(MAX) > 0 ? MAX : delay);
    }
}
