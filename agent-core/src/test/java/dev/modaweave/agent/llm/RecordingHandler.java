package dev.modaweave.agent.llm;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link StreamingChatResponseHandler} that records every callback for assertions and lets a test
 * wait for the end of the stream (or for the first N partial responses) without sleeping.
 */
public final class RecordingHandler implements StreamingChatResponseHandler {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Text deltas, in arrival order. */
    public final List<String> partials = new CopyOnWriteArrayList<>();
    /** Partial tool calls, in arrival order. */
    public final List<PartialToolCall> partialToolCalls = new CopyOnWriteArrayList<>();
    /** Complete tool calls, in arrival order. */
    public final List<CompleteToolCall> completeToolCalls = new CopyOnWriteArrayList<>();
    /** Every error passed to {@link #onError(Throwable)} (a correct model passes at most one). */
    public final List<Throwable> errors = new CopyOnWriteArrayList<>();

    private final CompletableFuture<ChatResponse> completion = new CompletableFuture<>();
    private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();

    @Override
    public void onPartialResponse(String partialResponse) {
        synchronized (partials) {
            partials.add(partialResponse);
            partials.notifyAll();
        }
    }

    @Override
    public void onPartialToolCall(PartialToolCall partialToolCall) {
        partialToolCalls.add(partialToolCall);
    }

    @Override
    public void onCompleteToolCall(CompleteToolCall completeToolCall) {
        completeToolCalls.add(completeToolCall);
    }

    @Override
    public void onCompleteResponse(ChatResponse completeResponse) {
        completion.complete(completeResponse);
        finished.complete(null);
    }

    @Override
    public void onError(Throwable error) {
        errors.add(error);
        failure.complete(error);
        finished.complete(null);
    }

    /** All text deltas joined. */
    public String text() {
        return String.join("", partials);
    }

    /** Waits for the complete response; fails the test if the stream failed instead. */
    public ChatResponse awaitResponse() {
        awaitFinished();
        if (failure.isDone()) {
            throw new AssertionError("the stream failed instead of completing", failure.join());
        }
        return completion.join();
    }

    /** Waits for the error; fails the test if the stream completed instead. */
    public Throwable awaitError() {
        awaitFinished();
        if (completion.isDone()) {
            throw new AssertionError("the stream completed instead of failing: " + completion.join());
        }
        return failure.join();
    }

    /** Waits until at least {@code count} text deltas have arrived. */
    public void awaitPartials(int count) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (partials) {
            while (partials.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("only " + partials.size() + " of " + count + " partial responses within " + WAIT);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(partials, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** Whether the stream has completed or failed. */
    public boolean isFinished() {
        return finished.isDone();
    }

    private void awaitFinished() {
        try {
            finished.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the stream neither completed nor failed within " + WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        }
    }
}
