package dev.modaweave.datasets;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.modaweave.datasets.internal.RateLimiter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class ParaphraserTest {

    @TempDir
    Path dir;

    /** A chat model that answers with a function of the user's text and counts its requests. */
    static final class FakeChatModel implements ChatModel {
        final List<String> seen = new ArrayList<>();
        private final Function<String, String> answer;

        FakeChatModel(Function<String, String> answer) {
            this.answer = answer;
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            ChatMessage last = request.messages().get(request.messages().size() - 1);
            String text = ((UserMessage) last).singleText();
            seen.add(text);
            return ChatResponse.builder().aiMessage(AiMessage.from(answer.apply(text)))
                    .tokenUsage(new TokenUsage(100, 20)).build();
        }
    }

    private Paraphraser paraphraser(ChatModel model, Path cache) {
        return Paraphraser.builder().model(model).modelName("fake").cacheFile(cache).requestsPerSecond(1000)
                .prices(1.0, 2.0).build();
    }

    @Test
    void answers_are_cached_on_disk_and_reused_after_a_restart() {
        Path cache = dir.resolve("cache.jsonl");
        FakeChatModel model = new FakeChatModel(t -> "Could you please " + t.toLowerCase());
        try (Paraphraser p = paraphraser(model, cache)) {
            assertThat(p.paraphrase("Draw a cat.")).isEqualTo("Could you please draw a cat.");
            assertThat(p.paraphrase("Draw a cat.")).isEqualTo("Could you please draw a cat.");
            assertThat(p.stats().requests()).isEqualTo(1);
            assertThat(p.stats().cacheHits()).isEqualTo(1);
        }
        FakeChatModel second = new FakeChatModel(t -> "different");
        try (Paraphraser p = paraphraser(second, cache)) {
            assertThat(p.paraphrase("Draw a cat.")).isEqualTo("Could you please draw a cat.");
            assertThat(second.seen).isEmpty();
        }
    }

    @Test
    void a_line_torn_by_a_crash_is_skipped_and_only_that_request_is_made_again() throws IOException {
        Path cache = dir.resolve("cache.jsonl");
        FakeChatModel model = new FakeChatModel(t -> "Please: " + t);
        try (Paraphraser p = paraphraser(model, cache)) {
            p.paraphrase("one");
            p.paraphrase("two");
        }
        List<String> lines = Files.readAllLines(cache);
        Files.writeString(cache, lines.get(0) + "\n" + lines.get(1).substring(0, 20), StandardOpenOption.TRUNCATE_EXISTING);

        FakeChatModel resumed = new FakeChatModel(t -> "Please: " + t);
        try (Paraphraser p = paraphraser(resumed, cache)) {
            assertThat(p.cached()).isEqualTo(1);
            p.paraphrase("one");
            p.paraphrase("two");
        }
        assertThat(resumed.seen).containsExactly("two");
    }

    @Test
    void unusable_answers_and_failures_keep_the_original_text_and_are_counted() {
        ChatModel failing = new ChatModel() {
            @Override
            public ChatResponse doChat(ChatRequest request) {
                throw new IllegalStateException("HTTP 503");
            }
        };
        try (Paraphraser p = paraphraser(new FakeChatModel(t -> "<meta>{}</meta>"), dir.resolve("a.jsonl"))) {
            assertThat(p.paraphrase("Draw a cat.")).isEqualTo("Draw a cat.");
            assertThat(p.stats().rejected()).isEqualTo(1);
        }
        try (Paraphraser p = paraphraser(failing, dir.resolve("b.jsonl"))) {
            assertThat(p.paraphrase("Draw a cat.")).isEqualTo("Draw a cat.");
            assertThat(p.stats().failures()).isEqualTo(1);
        }
    }

    @Test
    void tokens_and_cost_are_counted_from_the_model_usage() {
        try (Paraphraser p = paraphraser(new FakeChatModel(t -> "Hey, " + t), dir.resolve("c.jsonl"))) {
            p.paraphrase("a");
            p.paraphrase("b");
            Paraphraser.Stats s = p.stats();
            assertThat(s.inputTokens()).isEqualTo(200);
            assertThat(s.outputTokens()).isEqualTo(40);
            assertThat(s.estimatedCost()).isEqualTo(200 / 1e6 * 1.0 + 40 / 1e6 * 2.0);
        }
    }

    @Test
    void the_rate_limiter_spaces_requests_on_a_fake_clock() {
        AtomicLong now = new AtomicLong();
        List<Long> sleeps = new ArrayList<>();
        RateLimiter limiter = new RateLimiter(4, now::get, nanos -> {
            sleeps.add(nanos);
            now.addAndGet(nanos);
        });
        try (Paraphraser p = Paraphraser.builder().model(new FakeChatModel(t -> "Hi " + t)).cacheFile(dir.resolve("d.jsonl"))
                .rateLimiter(limiter).build()) {
            p.paraphrase("a");
            p.paraphrase("b");
            p.paraphrase("c");
        }
        assertThat(sleeps).containsExactly(250_000_000L, 250_000_000L);
    }

    @Test
    void a_build_paraphrases_the_chosen_share_and_marks_those_records(@TempDir Path out) throws IOException {
        FakeChatModel model = new FakeChatModel(t -> "hey, " + t.toLowerCase());
        try (Paraphraser p = paraphraser(model, out.resolve("cache.jsonl"))) {
            DatasetBuilder.BuildSummary s = DatasetBuilder.builder().captions(List.of(TestData.captionsDir())).outDir(out)
                    .size(100).embedder(HashingEmbedder::new).paraphraser(p, 0.5).build().build();
            assertThat(s.rejected()).isZero();
            assertThat(s.paraphrase().requests()).isBetween(30L, 70L);
        }
        long marked = Files.readAllLines(out.resolve("train.jsonl")).stream().filter(l -> l.contains("\"paraphrased\":true")).count();
        assertThat(marked).isPositive();
    }
}
