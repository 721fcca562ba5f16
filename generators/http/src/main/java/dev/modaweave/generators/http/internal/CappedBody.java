package dev.modaweave.generators.http.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body into memory and stops reading (cancelling the stream) as soon as it
 * would grow past the cap, or at once when {@code Content-Length} already announces more.
 */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

    /** The body grew past the cap. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
        final long cap;

        TooLarge(long cap, String detail) {
            super("the answer is larger than " + cap + " bytes (" + detail + ")");
            this.cap = cap;
        }
    }

    private final long cap;
    private final long declared;
    private final ByteArrayOutputStream collected = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    private CappedBody(long cap, long declared) {
        this.cap = cap;
        this.declared = declared;
    }

    static HttpResponse.BodyHandler<byte[]> handler(long cap) {
        return info -> new CappedBody(cap, info.headers().firstValueAsLong("content-length").orElse(-1));
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (declared > cap) {
            s.cancel();
            result.completeExceptionally(new TooLarge(cap, "Content-Length announces " + declared));
            return;
        }
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            if (collected.size() + (long) buffer.remaining() > cap) {
                subscription.cancel();
                result.completeExceptionally(new TooLarge(cap, "reading stopped past the cap"));
                return;
            }
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            collected.writeBytes(chunk);
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        result.complete(collected.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }
}
