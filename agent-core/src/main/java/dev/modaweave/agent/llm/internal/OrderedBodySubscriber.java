package dev.modaweave.agent.llm.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A response body as an {@link InputStream} that hands out every byte that arrived before a failure
 * and only then the failure. The JDK's {@code BodyHandlers.ofInputStream()} throws as soon as the
 * connection breaks, dropping chunks it had already received but the reader had not yet taken: a
 * stream cut after a meta-response could lose that meta-response depending on thread timing. Closing
 * the stream also wakes a reader blocked in {@code read}, which the idle timeout relies on.
 */
final class OrderedBodySubscriber implements HttpResponse.BodySubscriber<InputStream> {

    private static final Object END = new Object();
    private static final Object CLOSED = new Object();

    private record Failure(Throwable error) {
    }

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
    private final Body body = new Body();

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedStage(body);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        if (!this.subscription.complete(subscription)) {
            subscription.cancel();
            return;
        }
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
        queue.add(new Failure(throwable));
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    private final class Body extends InputStream {
        private Iterator<ByteBuffer> buffers = List.<ByteBuffer>of().iterator();
        private ByteBuffer current;
        private Object terminal;
        private volatile boolean closed;

        /** The next buffer with bytes left, or null at the end of the body. */
        private ByteBuffer current() throws IOException {
            while (current == null || !current.hasRemaining()) {
                if (buffers.hasNext()) {
                    current = buffers.next();
                    continue;
                }
                if (terminal == null && closed) {
                    terminal = CLOSED;
                }
                if (terminal != null) {
                    return rethrow();
                }
                Object next;
                try {
                    next = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading the response body");
                }
                if (next instanceof List<?> list) {
                    @SuppressWarnings("unchecked")
                    List<ByteBuffer> received = (List<ByteBuffer>) list;
                    buffers = received.iterator();
                    subscription.join().request(1);
                } else {
                    terminal = next;
                }
            }
            return current;
        }

        private ByteBuffer rethrow() throws IOException {
            if (terminal == END) {
                return null;
            }
            if (terminal instanceof Failure failure) {
                Throwable error = failure.error();
                throw error instanceof IOException io ? io : new IOException(error.getMessage(), error);
            }
            throw new IOException("the response body was closed");
        }

        @Override
        public int read() throws IOException {
            ByteBuffer buffer = current();
            return buffer == null ? -1 : buffer.get() & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            ByteBuffer buffer = current();
            if (buffer == null) {
                return -1;
            }
            int n = Math.min(length, buffer.remaining());
            buffer.get(target, offset, n);
            return n;
        }

        @Override
        public int available() {
            return current == null ? 0 : current.remaining();
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(CLOSED);
            subscription.thenAccept(Flow.Subscription::cancel);
        }
    }
}
