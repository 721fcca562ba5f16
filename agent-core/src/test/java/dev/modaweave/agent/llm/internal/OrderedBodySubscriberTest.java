package dev.modaweave.agent.llm.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrderedBodySubscriberTest {

    private final AtomicLong requested = new AtomicLong();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final OrderedBodySubscriber subscriber = new OrderedBodySubscriber();

    private InputStream subscribe() {
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                requested.addAndGet(n);
            }

            @Override
            public void cancel() {
                cancelled.set(true);
            }
        });
        return subscriber.getBody().toCompletableFuture().join();
    }

    private static List<ByteBuffer> bytes(String text) {
        return List.of(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void bytes_that_arrived_before_a_broken_connection_are_read_before_the_error() throws Exception {
        InputStream body = subscribe();
        subscriber.onNext(bytes("data: one\n\n"));
        subscriber.onNext(bytes("data: two\n\n"));
        subscriber.onError(new IOException("EOF reached while reading"));

        byte[] read = new byte[22];
        int n = 0;
        while (n < read.length) {
            n += body.read(read, n, read.length - n);
        }

        assertThat(new String(read, StandardCharsets.UTF_8)).isEqualTo("data: one\n\ndata: two\n\n");
        assertThatThrownBy(body::read).isInstanceOf(IOException.class).hasMessage("EOF reached while reading");
    }

    @Test
    void the_body_ends_after_the_last_bytes_and_asks_for_one_list_at_a_time() throws Exception {
        InputStream body = subscribe();
        assertThat(requested).hasValue(1);
        subscriber.onNext(bytes("ab"));
        subscriber.onComplete();

        assertThat(body.read()).isEqualTo('a');
        assertThat(requested).hasValue(2);
        assertThat(body.read()).isEqualTo('b');
        assertThat(body.read()).isEqualTo(-1);
    }

    @Test
    void closing_wakes_a_blocked_reader_and_cancels_the_subscription() throws Exception {
        InputStream body = subscribe();
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                body.read();
                return null;
            } catch (IOException e) {
                return e;
            }
        });

        body.close();

        assertThat(reader.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class)
                .hasMessage("the response body was closed");
        assertThat(cancelled).isTrue();
    }
}
