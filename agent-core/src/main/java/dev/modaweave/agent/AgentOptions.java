package dev.modaweave.agent;

import java.time.Duration;
import java.util.Objects;

/**
 * How the agent runs a turn.
 *
 * @param maxRounds       LLM segments per turn, counting continuations after results and repair rounds (default 4)
 * @param repairRounds    rounds the LLM gets to fix malformed or invalid meta-responses (default 1)
 * @param memoryMessages  messages of earlier turns kept per session (default 20)
 * @param turnTimeout     a turn still running after this is cancelled (default 10 minutes)
 * @param nativeToolCalls the model calls tools through the chat API's function calling instead of {@code <meta>} blocks
 * @param multimodal      the model takes images as message content (results and uploads are shown to it)
 * @param limits          calls per turn and argument size
 */
public record AgentOptions(int maxRounds, int repairRounds, int memoryMessages, Duration turnTimeout,
                           boolean nativeToolCalls, boolean multimodal, TurnLimits limits) {

    public AgentOptions {
        if (maxRounds < 1 || maxRounds > 32) {
            throw new IllegalArgumentException("maxRounds is " + maxRounds + "; use 1 to 32");
        }
        if (repairRounds < 0 || repairRounds >= maxRounds) {
            throw new IllegalArgumentException("repairRounds is " + repairRounds + "; use 0 to maxRounds - 1 (" + (maxRounds - 1) + ")");
        }
        if (memoryMessages < 0) {
            throw new IllegalArgumentException("memoryMessages is " + memoryMessages + "; it must not be negative");
        }
        Objects.requireNonNull(turnTimeout, "turnTimeout");
        if (turnTimeout.isNegative() || turnTimeout.isZero()) {
            throw new IllegalArgumentException("turnTimeout is " + turnTimeout + "; it must be positive");
        }
        Objects.requireNonNull(limits, "limits");
    }

    public static AgentOptions defaults() {
        return new AgentOptions(4, 1, 20, Duration.ofMinutes(10), false, false, TurnLimits.defaults());
    }

    public AgentOptions withNativeToolCalls(boolean on) {
        return new AgentOptions(maxRounds, repairRounds, memoryMessages, turnTimeout, on, multimodal, limits);
    }

    public AgentOptions withMultimodal(boolean on) {
        return new AgentOptions(maxRounds, repairRounds, memoryMessages, turnTimeout, nativeToolCalls, on, limits);
    }

    public AgentOptions withMaxRounds(int rounds) {
        return new AgentOptions(rounds, Math.min(repairRounds, rounds - 1), memoryMessages, turnTimeout, nativeToolCalls, multimodal, limits);
    }

    public AgentOptions withTurnTimeout(Duration timeout) {
        return new AgentOptions(maxRounds, repairRounds, memoryMessages, timeout, nativeToolCalls, multimodal, limits);
    }
}
