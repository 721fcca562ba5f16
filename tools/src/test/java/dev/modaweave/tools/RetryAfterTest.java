package dev.modaweave.tools;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-10-21T07:28:00Z"), ZoneOffset.UTC);

    @Test
    void delay_seconds_are_read_as_seconds() {
        assertThat(RetryAfter.parse(" 120 ", clock)).contains(Duration.ofSeconds(120));
    }

    @Test
    void an_http_date_gives_the_time_until_then_and_a_past_date_gives_zero() {
        assertThat(RetryAfter.parse("Wed, 21 Oct 2026 07:29:15 GMT", clock)).contains(Duration.ofSeconds(75));
        assertThat(RetryAfter.parse("Wed, 21 Oct 2026 07:00:00 GMT", clock)).contains(Duration.ZERO);
    }

    @Test
    void absurd_delays_are_capped_at_an_hour_and_garbage_is_ignored() {
        assertThat(RetryAfter.parse("999999", clock)).contains(Duration.ofHours(1));
        assertThat(RetryAfter.parse("soon", clock)).isEmpty();
        assertThat(RetryAfter.parse(null, clock)).isEmpty();
        assertThat(RetryAfter.parse("", clock)).isEmpty();
        assertThat(RetryAfter.parse("99999999999999999999999", clock)).isEmpty();
    }
}
