package dev.modaweave.generators.http.internal;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TextTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void the_message_of_a_json_error_is_extracted() {
        assertThat(Text.backendMessage(utf8("{\"error\":{\"message\":\"Billing hard limit reached\",\"code\":\"billing\"}}"), null))
                .isEqualTo("Billing hard limit reached");
        assertThat(Text.backendMessage(utf8("{\"detail\":[{\"msg\":\"field required\"}]}"), null)).isEqualTo("field required");
    }

    @Test
    void an_html_page_becomes_its_title_and_text_without_markup_scripts_or_styles() {
        String page = "<html><head><title>502 Bad Gateway</title><script>var x = 1;</script></head>"
                + "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";

        assertThat(Text.backendMessage(utf8(page), null)).isEqualTo("502 Bad Gateway nginx");
    }

    @Test
    void long_messages_are_shortened_and_the_secret_is_redacted() {
        String message = Text.backendMessage(utf8("invalid key sk-abc: " + "x".repeat(1000)), "sk-abc");

        assertThat(message).startsWith("invalid key [redacted]: ").endsWith("…").hasSizeLessThan(205);
    }

    @Test
    void binary_bodies_are_described_not_quoted() {
        assertThat(Text.backendMessage(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, null)).isEqualTo("(10 bytes that are not text)");
        assertThat(Text.backendMessage(new byte[0], null)).isEqualTo("(empty body)");
    }
}
