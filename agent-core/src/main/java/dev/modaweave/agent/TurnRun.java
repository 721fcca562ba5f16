package dev.modaweave.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.modaweave.prompts.Prompts;
import dev.modaweave.tools.Artifact;
import dev.modaweave.tools.EventBusAddresses;
import dev.modaweave.tools.Json;
import dev.modaweave.tools.Modality;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One turn of the agent, confined to the agent's Vert.x context: streams the LLM through the
 * parser, validates and dispatches each call the moment it is complete, feeds results back for the
 * LLM to continue, runs the repair round, and reports every event in order.
 */
final class TurnRun {

    private final Agent agent;
    private final Context context;
    private final Session session;
    private final String turnId;
    private final UserInput input;
    private final Consumer<JsonObject> sink;
    private final Promise<JsonObject> done = Promise.promise();
    private final List<ChatMessage> messages = new ArrayList<>();
    private final List<ChatMessage> turnMessages = new ArrayList<>();
    private final MetaResponseValidator.Turn validation;
    private final Map<String, Call> calls = new LinkedHashMap<>();
    private final Map<String, String> jobToCall = new LinkedHashMap<>();
    private final StringBuilder visibleText = new StringBuilder();
    private final List<String> artifactIds = new ArrayList<>();
    private final List<JsonObject> awaitingRepair = new ArrayList<>();

    private int round;
    private int repairsLeft;
    private Round current;
    private boolean finished;
    private String cancelled;
    private long timeoutTimer = -1;

    TurnRun(Agent agent, Context context, Session session, String turnId, UserInput input, Consumer<JsonObject> sink) {
        this.agent = agent;
        this.context = context;
        this.session = session;
        this.turnId = turnId;
        this.input = input;
        this.sink = sink;
        this.validation = agent.validator().startTurn(session.knownArtifacts());
        this.repairsLeft = agent.options().repairRounds();
    }

    String turnId() {
        return turnId;
    }

    Session session() {
        return session;
    }

    boolean sessionIdIs(String id) {
        return session.id().equals(id);
    }

    Future<JsonObject> start() {
        timeoutTimer = agent.vertx().setTimer(agent.options().turnTimeout().toMillis(),
                t -> cancel("the turn took longer than " + agent.options().turnTimeout()));
        agent.resolveMedia(input.media()).compose(media -> agent.projector().project(media).map(contents -> {
            media.forEach(a -> session.addArtifact(new Session.ArtifactNote(a.id(), a.modality(), a.mimeType(), "uploaded by the user")));
            return contents;
        })).onComplete(projected -> {
            if (projected.failed()) {
                fail("bad_media", projected.cause().getMessage());
                return;
            }
            buildMessages(projected.result());
            nextRound();
        });
        return done.future();
    }

    private void buildMessages(List<Content> media) {
        Prompts prompts = agent.prompts();
        messages.add(SystemMessage.from(prompts.systemPrompt(agent.catalog(), agent.options().nativeToolCalls())));
        if (!agent.options().nativeToolCalls()) {
            for (Prompts.FewShot shot : prompts.fewShots(agent.catalog())) {
                messages.add(UserMessage.from(shot.user()));
                messages.add(AiMessage.from(shot.assistant()));
            }
        }
        messages.addAll(session.memory());
        List<Content> contents = new ArrayList<>();
        String text = input.text();
        String known = describeKnownArtifacts();
        contents.add(TextContent.from(text.isBlank() ? "(media only)" : text));
        contents.addAll(media);
        if (!known.isEmpty()) {
            contents.add(TextContent.from(known));
        }
        UserMessage user = UserMessage.from(contents);
        messages.add(user);
        turnMessages.add(UserMessage.from(text.isBlank() ? "(media only)" : text));
    }

    private String describeKnownArtifacts() {
        var notes = new ArrayList<>(session.artifacts().values());
        if (notes.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("[artifacts of this conversation, newest last; refer to one with {\"$ref\":\"<id>\"}:");
        for (var note : notes.subList(Math.max(0, notes.size() - 8), notes.size())) {
            sb.append("\n ").append(note.modality().wireName()).append(' ').append(note.id()).append(" (").append(note.origin()).append(')');
        }
        return sb.append(']').toString();
    }

    // ---- rounds ------------------------------------------------------------------------------------

    private void nextRound() {
        if (finished) {
            return;
        }
        round++;
        Round r = new Round();
        current = r;
        ChatRequest.Builder request = ChatRequest.builder().messages(List.copyOf(messages));
        if (agent.options().nativeToolCalls()) {
            request.toolSpecifications(agent.toolSpecifications());
        }
        try {
            agent.model().chat(request.build(), new Handler(r));
        } catch (RuntimeException e) {
            r.streamFailed(e);
        }
    }

    /** LangChain4j calls these on its own threads; each hops onto the agent's context, in order. */
    private final class Handler implements StreamingChatResponseHandler {
        private final Round r;

        Handler(Round r) {
            this.r = r;
        }

        @Override
        public void onPartialResponse(PartialResponse partial, PartialResponseContext ctx) {
            StreamingHandle handle = ctx == null ? null : ctx.streamingHandle();
            String text = partial.text();
            context.runOnContext(v -> r.onText(text, handle));
        }

        @Override
        public void onPartialResponse(String text) {
            context.runOnContext(v -> r.onText(text, null));
        }

        @Override
        public void onCompleteToolCall(CompleteToolCall call) {
            ToolExecutionRequest request = call.toolExecutionRequest();
            context.runOnContext(v -> r.onToolCall(request));
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            context.runOnContext(v -> r.onComplete(response));
        }

        @Override
        public void onError(Throwable error) {
            context.runOnContext(v -> r.streamFailed(error));
        }
    }

    /** One LLM segment and the calls it made. */
    private final class Round implements ParseListener {
        final MetaResponseParser parser = new MetaResponseParser();
        final StringBuilder text = new StringBuilder();
        final List<Call> roundCalls = new ArrayList<>();
        final List<ToolExecutionRequest> nativeRequests = new ArrayList<>();
        final Set<String> nativeSeen = new HashSet<>();
        final List<String> problems = new ArrayList<>();
        final List<JsonObject> rejected = new ArrayList<>();
        final Map<String, String> nativeResults = new LinkedHashMap<>();
        StreamingHandle handle;
        boolean segmentEnded;
        Throwable failure;

        void onText(String delta, StreamingHandle streamingHandle) {
            if (streamingHandle != null) {
                handle = streamingHandle;
            }
            if (segmentEnded || finished || delta == null || delta.isEmpty()) {
                return;
            }
            text.append(delta);
            parser.feed(delta, this);
        }

        @Override
        public void onText(CharSequence source, int start, int end) {
            String piece = source.subSequence(start, end).toString();
            visibleText.append(piece);
            emit(event(AgentEvents.TEXT).put("text", piece));
        }

        @Override
        public void onMeta(ParseEvent.Meta meta) {
            accept(meta.call(), meta.raw(), null);
        }

        @Override
        public void onMalformed(ParseEvent.Malformed malformed) {
            problems.add("a meta-response could not be read (" + malformed.reason() + "): " + abbreviate(malformed.raw()));
            rejected.add(new JsonObject().put("raw", malformed.raw()).put("reason", malformed.reason()).put("at", visibleText.length()));
        }

        void onToolCall(ToolExecutionRequest request) {
            if (segmentEnded || finished || request.id() != null && !nativeSeen.add(request.id())) {
                return;
            }
            nativeRequests.add(request);
            ParseEvent event = Dialects.fromToolExecutionRequest(request, agent.catalog(), "call" + (calls.size() + 1));
            if (event instanceof ParseEvent.Meta meta) {
                accept(normaliseNativeRefs(meta.call()), meta.raw(), request);
            } else {
                ParseEvent.Malformed m = (ParseEvent.Malformed) event;
                problems.add("tool call " + request.name() + " could not be read: " + m.reason());
                rejected.add(new JsonObject().put("raw", m.raw()).put("reason", m.reason()).put("at", visibleText.length()));
            }
        }

        void accept(MetaResponse call, String raw, ToolExecutionRequest nativeRequest) {
            List<ValidationError> errors = validation.accept(call);
            if (!errors.isEmpty()) {
                StringBuilder sb = new StringBuilder("call '" + call.id() + "' is invalid:");
                JsonArray list = new JsonArray();
                for (ValidationError e : errors) {
                    sb.append(' ').append(e.pointer().isEmpty() ? "" : e.pointer() + ": ").append(e.message()).append(';');
                    list.add(new JsonObject().put("code", e.code().wireName()).put("pointer", e.pointer()).put("message", e.message()));
                }
                problems.add(sb.substring(0, sb.length() - 1));
                rejected.add(new JsonObject().put("callId", call.id()).put("raw", raw).put("errors", list).put("at", visibleText.length()));
                if (nativeRequest != null) {
                    nativeResults.put(nativeRequest.id() == null ? call.id() : nativeRequest.id(), sb.toString());
                }
                return;
            }
            Call c = new Call(call, this, nativeRequest, visibleText.length());
            calls.put(call.id(), c);
            roundCalls.add(c);
            for (String ref : call.references()) {
                Call dep = calls.get(ref);
                if (dep != null && dep.artifactId == null) {
                    c.waitingOn.add(ref);
                    dep.dependents.add(c);
                }
            }
            if (c.waitingOn.isEmpty()) {
                dispatch(c);
            } else {
                emit(event(AgentEvents.CALL_ACCEPTED).put("callId", call.id()).put("at", c.at).put("task", call.task()).put("tool", call.tool())
                        .put("args", new JsonObject(Json.write(call.args()))).put("waitingFor", new JsonArray(List.copyOf(c.waitingOn))));
            }
        }

        void onComplete(ChatResponse response) {
            if (segmentEnded || finished) {
                return;
            }
            AiMessage ai = response == null ? null : response.aiMessage();
            if (ai != null && ai.hasToolExecutionRequests()) {
                for (ToolExecutionRequest request : ai.toolExecutionRequests()) {
                    onToolCall(request);
                }
            }
            parser.finish(this);
            segmentEnded = true;
            checkRoundDone();
        }

        void streamFailed(Throwable error) {
            if (segmentEnded || finished) {
                return;
            }
            failure = error;
            parser.finish(this);
            segmentEnded = true;
            checkRoundDone();
        }

        boolean callsDone() {
            for (Call c : roundCalls) {
                if (!c.isDone()) {
                    return false;
                }
            }
            return true;
        }
    }

    // ---- calls -------------------------------------------------------------------------------------

    private static final class Call {
        final MetaResponse call;
        final Round round;
        final ToolExecutionRequest nativeRequest;
        /** The length of the turn's visible text where the call stood: where clients show its media. */
        final int at;
        final Set<String> waitingOn = new HashSet<>();
        final List<Call> dependents = new ArrayList<>();
        final List<JsonObject> pending = new ArrayList<>();
        String jobId;
        String artifactId;
        JsonObject artifact;
        JsonObject error;

        Call(MetaResponse call, Round round, ToolExecutionRequest nativeRequest, int at) {
            this.call = call;
            this.round = round;
            this.nativeRequest = nativeRequest;
            this.at = at;
        }

        boolean isDone() {
            return artifactId != null || error != null;
        }
    }

    private void dispatch(Call c) {
        ObjectNode args = c.call.args().deepCopy();
        substituteRefs(args);
        JsonObject wire = new JsonObject().put("id", c.call.id()).put("args", new JsonObject(Json.write(args)));
        if (c.call.task() != null) {
            wire.put("task", c.call.task());
        }
        if (c.call.tool() != null) {
            wire.put("tool", c.call.tool());
        }
        JsonArray known = new JsonArray();
        session.knownArtifacts().keySet().forEach(known::add);
        calls.values().stream().filter(x -> x.artifactId != null).forEach(x -> known.add(x.artifactId));
        JsonObject request = new JsonObject().put("action", "dispatch").put("requestId", turnId + ":" + c.call.id())
                .put("turnId", turnId + "-" + c.call.id()).put("events", agent.eventsAddress())
                .put("calls", new JsonArray().add(wire)).put("knownArtifacts", known);
        agent.vertx().eventBus().<JsonObject>request(EventBusAddresses.DISPATCH, request,
                new DeliveryOptions().setSendTimeout(30_000)).onComplete(ar -> {
                    if (c.isDone()) {
                        return;
                    }
                    if (ar.failed()) {
                        callFailed(c, new JsonObject().put("code", "dispatch_unavailable")
                                .put("message", "the dispatcher did not take call '" + c.call.id() + "': " + ar.cause().getMessage())
                                .put("retriable", true));
                        return;
                    }
                    JsonObject reply = ar.result().body();
                    if (!reply.getBoolean("accepted", false)) {
                        JsonArray errors = reply.getJsonArray("errors", new JsonArray());
                        String message = errors.isEmpty() ? "the dispatcher refused the call" : errors.getJsonObject(0).getString("message");
                        callFailed(c, new JsonObject().put("code", "rejected").put("message", message).put("retriable", false));
                        return;
                    }
                    JsonObject accepted = reply.getJsonArray("calls", new JsonArray()).getJsonObject(0);
                    c.jobId = accepted == null ? null : accepted.getString("jobId");
                    if (c.jobId != null) {
                        jobToCall.put(c.jobId, c.call.id());
                    }
                    emit(event(AgentEvents.CALL_ACCEPTED).put("callId", c.call.id()).put("at", c.at).put("jobId", c.jobId)
                            .put("task", c.call.task()).put("tool", c.call.tool()).put("args", wire.getJsonObject("args")));
                    List<JsonObject> early = List.copyOf(c.pending);
                    c.pending.clear();
                    early.forEach(TurnRun.this::onDispatcherEvent);
                });
    }

    /** Replaces {@code {"$ref": callId}} of completed calls by the artifact id; artifact ids stay. */
    private void substituteRefs(JsonNode node) {
        if (node instanceof ObjectNode obj) {
            List<String> names = new ArrayList<>();
            obj.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode value = obj.get(name);
                if (MetaResponse.isReference(value)) {
                    String ref = value.get(MetaResponse.REF).asText();
                    Call dep = calls.get(ref);
                    obj.put(name, dep != null ? dep.artifactId : ref);
                } else {
                    substituteRefs(value);
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(this::substituteRefs);
        }
    }

    /** In native mode an artifact argument may be a bare call id or artifact id: make it a reference. */
    private MetaResponse normaliseNativeRefs(MetaResponse call) {
        ObjectNode args = call.args().deepCopy();
        boolean changed = false;
        var names = new ArrayList<String>();
        args.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            JsonNode v = args.get(name);
            if (v.isTextual() && (calls.containsKey(v.asText()) || session.artifacts().containsKey(v.asText()))
                    && agent.takesArtifact(call, name)) {
                args.set(name, Json.object().put(MetaResponse.REF, v.asText()));
                changed = true;
            }
        }
        return changed ? new MetaResponse(call.id(), call.task(), call.tool(), args, call.dialect()) : call;
    }

    /** An event from the dispatcher about one of this turn's jobs. */
    void onDispatcherEvent(JsonObject event) {
        String turn = event.getString("turnId", "");
        String callId = turn.startsWith(turnId + "-") ? turn.substring(turnId.length() + 1) : null;
        Call c = callId == null ? null : calls.get(callId);
        if (c == null || c.isDone()) {
            return;
        }
        if (c.jobId == null && !"turn-done".equals(event.getString("type"))) {
            // the dispatcher's reply has not arrived yet; replay the event after it
            c.pending.add(event);
            return;
        }
        switch (event.getString("type", "")) {
            case "progress" -> emit(event(AgentEvents.PROGRESS).put("callId", c.call.id()).put("at", c.at).put("jobId", c.jobId)
                    .put("fraction", event.getDouble("fraction", 0.0)).put("message", event.getString("message", "")));
            case "completed" -> callCompleted(c, event.getString("artifactId"), event.getJsonObject("artifact", new JsonObject()));
            case "failed", "cancelled" -> callFailed(c, event.getJsonObject("error",
                    new JsonObject().put("code", event.getString("type")).put("message", "the call " + event.getString("type"))));
            default -> {
            }
        }
    }

    private void callCompleted(Call c, String artifactId, JsonObject artifact) {
        if (artifactId == null || !Artifact.isValidId(artifactId)) {
            callFailed(c, new JsonObject().put("code", "bad_result").put("message", "the tool reported no artifact id"));
            return;
        }
        c.artifactId = artifactId;
        c.artifact = artifact;
        artifactIds.add(artifactId);
        String mime = artifact.getString("mimeType", "application/octet-stream");
        Modality modality = Modality.ofMimeType(mime);
        session.addArtifact(new Session.ArtifactNote(artifactId, modality, mime, origin(c.call)));
        JsonObject e = event(AgentEvents.ARTIFACT).put("callId", c.call.id()).put("at", c.at).put("id", artifactId).put("mimeType", mime)
                .put("modality", modality.wireName()).put("tool", artifact.getString("tool"))
                .put("task", c.call.task()).put("reused", artifact.getBoolean("reused", false));
        Object attributes = artifact.getValue("attributes");
        if (attributes instanceof JsonObject a) {
            e.put("attributes", a);
        }
        emit(e);
        for (Call d : c.dependents) {
            d.waitingOn.remove(c.call.id());
            if (d.waitingOn.isEmpty() && !d.isDone() && !finished) {
                dispatch(d);
            }
        }
        checkRoundDone();
    }

    private void callFailed(Call c, JsonObject error) {
        if (c.isDone()) {
            return;
        }
        c.error = error;
        emit(event(AgentEvents.CALL_FAILED).put("callId", c.call.id()).put("at", c.at).put("jobId", c.jobId).put("error", error));
        for (Call d : c.dependents) {
            callFailed(d, new JsonObject().put("code", "dependency_failed").put("retriable", false)
                    .put("message", "call '" + d.call.id() + "' needs the result of '" + c.call.id() + "', which failed: " + error.getString("message")));
        }
        checkRoundDone();
    }

    // ---- end of a round ------------------------------------------------------------------------------

    private void checkRoundDone() {
        Round r = current;
        if (finished || r == null || !r.segmentEnded || !r.callsDone()) {
            return;
        }
        endRound(r);
    }

    private void endRound(Round r) {
        if (cancelled != null) {
            finishFailed("cancelled", cancelled);
            return;
        }
        String text = r.text.toString();
        if (!text.isBlank() || !r.nativeRequests.isEmpty()) {
            AiMessage ai = r.nativeRequests.isEmpty() ? AiMessage.from(text)
                    : text.isBlank() ? AiMessage.from(r.nativeRequests) : AiMessage.from(text, r.nativeRequests);
            messages.add(ai);
            turnMessages.add(ai);
        }
        List<String> results = new ArrayList<>();
        List<Content> images = new ArrayList<>();
        for (Call c : r.roundCalls) {
            String line = describeResult(c);
            results.add(line);
            if (c.nativeRequest != null) {
                r.nativeResults.put(c.nativeRequest.id() == null ? c.call.id() : c.nativeRequest.id(), line);
            }
            if (agent.options().multimodal() && c.artifactId != null && Modality.ofMimeType(c.artifact.getString("mimeType", "")) == Modality.IMAGE) {
                images.add(ImageContent.from(Base64.getEncoder().encodeToString(agent.store().read(c.artifactId)),
                        c.artifact.getString("mimeType")));
            }
        }
        if (r.failure != null) {
            settleRepairs(r);
            r.rejected.forEach(x -> emit(event(AgentEvents.CALL_REJECTED).put("final", true).mergeIn(x)));
            finishFailed("llm_failed", describeFailure(r.failure));
            return;
        }
        settleRepairs(r);
        boolean repair = !r.problems.isEmpty() && repairsLeft > 0 && round < agent.options().maxRounds();
        if (!r.problems.isEmpty() && !repair) {
            r.rejected.forEach(x -> emit(event(AgentEvents.CALL_REJECTED).put("final", true).mergeIn(x)));
        } else if (repair) {
            awaitingRepair.addAll(r.rejected);
        }
        boolean continueAfterCalls = !r.roundCalls.isEmpty() && round < agent.options().maxRounds();
        if (!repair && !continueAfterCalls) {
            finishDone();
            return;
        }
        if (repair) {
            repairsLeft--;
        }
        if (agent.options().nativeToolCalls()) {
            for (ToolExecutionRequest request : r.nativeRequests) {
                String result = r.nativeResults.getOrDefault(request.id(), "not run");
                ToolExecutionResultMessage m = ToolExecutionResultMessage.from(request, result);
                messages.add(m);
                turnMessages.add(m);
            }
            if (!images.isEmpty()) {
                List<Content> contents = new ArrayList<>();
                contents.add(TextContent.from("The images produced above:"));
                contents.addAll(images);
                messages.add(UserMessage.from(contents));
            }
        } else {
            StringBuilder follow = new StringBuilder();
            if (!results.isEmpty()) {
                follow.append(agent.prompts().results(results));
            }
            if (repair) {
                follow.append(follow.isEmpty() ? "" : "\n\n").append(agent.prompts().repair(r.problems));
            }
            List<Content> contents = new ArrayList<>();
            contents.add(TextContent.from(follow.toString()));
            contents.addAll(images);
            messages.add(UserMessage.from(contents));
            turnMessages.add(UserMessage.from(follow.toString()));
        }
        nextRound();
    }

    /**
     * After a repair round: what it did not fix is rejected for good. A call counts as fixed when a call
     * with its id was accepted; an unreadable block when the round produced any accepted call.
     */
    private void settleRepairs(Round r) {
        if (awaitingRepair.isEmpty()) {
            return;
        }
        Set<String> fixed = new HashSet<>();
        r.roundCalls.forEach(c -> fixed.add(c.call.id()));
        for (JsonObject rejected : awaitingRepair) {
            String callId = rejected.getString("callId");
            boolean isFixed = callId != null ? fixed.contains(callId) : !fixed.isEmpty();
            if (!isFixed) {
                emit(event(AgentEvents.CALL_REJECTED).put("final", true).mergeIn(rejected));
            }
        }
        awaitingRepair.clear();
    }

    private String describeResult(Call c) {
        if (c.artifactId != null) {
            String mime = c.artifact.getString("mimeType", "?");
            return c.call.id() + " → artifact " + c.artifactId + " (" + Modality.ofMimeType(mime).wireName() + ", " + mime
                    + ", made by " + c.artifact.getString("tool", "?") + " with " + Json.write(c.call.args()) + ")";
        }
        return c.call.id() + " → failed: " + c.error.getString("message", "unknown error");
    }

    // ---- finishing ------------------------------------------------------------------------------------

    void cancel(String reason) {
        if (finished || cancelled != null) {
            return;
        }
        cancelled = reason;
        Round r = current;
        if (r != null && r.handle != null && !r.handle.isCancelled()) {
            try {
                r.handle.cancel();
            } catch (RuntimeException ignored) {
                // the stream may already be closed
            }
        }
        for (Call c : calls.values()) {
            if (!c.isDone()) {
                agent.vertx().eventBus().request(EventBusAddresses.DISPATCH, new JsonObject().put("action", "cancel")
                        .put("turnId", turnId + "-" + c.call.id()).put("reason", reason));
                callFailed(c, new JsonObject().put("code", "cancelled").put("message", reason).put("retriable", false));
            }
        }
        if (r == null || !r.segmentEnded) {
            finishFailed("cancelled", reason);
        }
    }

    void fail(String code, String message) {
        finishFailed(code, message);
    }

    private void finishDone() {
        JsonObject e = event(AgentEvents.TURN_DONE).put("rounds", round).put("artifacts", new JsonArray(List.copyOf(artifactIds)))
                .put("text", visibleText.toString());
        finish(e);
    }

    private void finishFailed(String code, String message) {
        finish(event(AgentEvents.TURN_FAILED).put("rounds", round).put("artifacts", new JsonArray(List.copyOf(artifactIds)))
                .put("text", visibleText.toString()).put("error", new JsonObject().put("code", code).put("message", message)));
    }

    private void finish(JsonObject last) {
        if (finished) {
            return;
        }
        finished = true;
        if (timeoutTimer >= 0) {
            agent.vertx().cancelTimer(timeoutTimer);
        }
        session.remember(turnMessages);
        emit(last);
        agent.turnEnded(this);
        done.complete(last);
    }

    private JsonObject event(String type) {
        return new JsonObject().put("type", type).put("sessionId", session.id()).put("turnId", turnId);
    }

    private void emit(JsonObject event) {
        event.put("seq", session.nextSeq());
        try {
            sink.accept(event);
        } catch (RuntimeException e) {
            // a failing listener must not break the turn; the event is still counted
        }
    }

    private static String origin(MetaResponse call) {
        JsonNode prompt = call.args().get("prompt");
        if (prompt == null) {
            prompt = call.args().get("text");
        }
        String what = call.task() != null ? call.task() : call.tool();
        return prompt == null ? what : what + ": \"" + abbreviate(prompt.asText()) + "\"";
    }

    private static String describeFailure(Throwable error) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return "the LLM stream failed: " + abbreviate(message);
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
