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
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One turn of the agent, confined to the agent's Vert.x context: streams the LLM through the
 * parser, streams each call into the turn's one dispatcher turn the moment it is complete (the
 * dispatcher validates, routes and schedules it), feeds results back for the LLM to continue, runs
 * the repair round, and reports every event in order, each call event with its place ({@code at}) in
 * the visible text.
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
    private final Map<String, Call> calls = new LinkedHashMap<>();
    private final StringBuilder visibleText = new StringBuilder();
    private final List<String> artifactIds = new ArrayList<>();
    private final List<JsonObject> awaitingRepair = new ArrayList<>();

    private static final String ROUND_SEPARATOR = "\n\n";

    private int round;
    private int callCount;
    private int repairsLeft;
    private Round current;
    private boolean finished;
    private String cancelled;
    private long timeoutTimer = -1;
    private boolean dispatcherTurnOpened;
    private RoundContext.Kind nextKind = RoundContext.Kind.ANSWER;

    TurnRun(Agent agent, Context context, Session session, String turnId, UserInput input, Consumer<JsonObject> sink) {
        this.agent = agent;
        this.context = context;
        this.session = session;
        this.turnId = turnId;
        this.input = input;
        this.sink = sink;
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
        Round r = new Round(nextKind);
        current = r;
        ChatRequest.Builder request = ChatRequest.builder().messages(List.copyOf(messages));
        if (agent.options().nativeToolCalls()) {
            request.toolSpecifications(agent.toolSpecifications());
        }
        ChatRequest built = request.build();
        RoundContext roundContext = new RoundContext(r.kind, round, List.copyOf(session.artifacts().values()));
        // a model may block while it computes (the embedded planner does): never on the agent's event loop
        agent.vertx().executeBlocking(() -> {
            if (agent.model() instanceof RoundAwareChatModel aware) {
                aware.chat(built, roundContext, new Handler(r));
            } else {
                agent.model().chat(built, new Handler(r));
            }
            return null;
        }, false).onFailure(r::streamFailed);
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
        final RoundContext.Kind kind;
        final MetaResponseParser parser = new MetaResponseParser();
        final StringBuilder text = new StringBuilder();
        final StringBuilder withheld = new StringBuilder();
        final List<Call> roundCalls = new ArrayList<>();
        final List<ToolExecutionRequest> nativeRequests = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        final List<JsonObject> rejected = new ArrayList<>();
        final Map<ToolExecutionRequest, String> nativeResults = new IdentityHashMap<>();
        StreamingHandle handle;
        boolean separated;
        boolean segmentEnded;
        boolean ending;
        Throwable failure;

        Round(RoundContext.Kind kind) {
            this.kind = kind;
        }

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
            if (kind == RoundContext.Kind.REPAIR) {
                // a repair round is asked for corrected calls only; what prose it repeats was shown already
                withheld.append(piece);
                return;
            }
            showText(piece);
        }

        void showText(String piece) {
            if (!separated && round > 1 && !visibleText.isEmpty()) {
                separated = true;
                visibleText.append(ROUND_SEPARATOR);
                emit(event(AgentEvents.TEXT).put("text", ROUND_SEPARATOR));
            }
            separated = true;
            visibleText.append(piece);
            emit(event(AgentEvents.TEXT).put("text", piece));
        }

        /** Shows the prose of a repair round only when it says something the user has not seen. */
        void releaseWithheld() {
            String prose = withheld.toString().strip();
            withheld.setLength(0);
            if (!prose.isEmpty() && !normalised(visibleText.toString()).contains(normalised(prose))) {
                showText(prose);
            }
        }

        @Override
        public void onMeta(ParseEvent.Meta meta) {
            accept(meta.call(), meta.raw(), null);
        }

        @Override
        public void onMalformed(ParseEvent.Malformed malformed) {
            problems.add("a meta-response could not be read (" + malformed.reason() + "): " + abbreviate(malformed.raw()));
            rejected.add(new JsonObject().put("at", visibleText.length()).put("raw", malformed.raw()).put("reason", malformed.reason()));
        }

        void onToolCall(ToolExecutionRequest request) {
            if (segmentEnded || finished) {
                return;
            }
            nativeRequests.add(request);
            ParseEvent event = Dialects.fromToolExecutionRequest(request, agent.catalog(), "call" + (callCount + 1));
            if (event instanceof ParseEvent.Meta meta) {
                accept(normaliseNativeRefs(meta.call()), meta.raw(), request);
            } else {
                ParseEvent.Malformed m = (ParseEvent.Malformed) event;
                String problem = "tool call " + request.name() + " could not be read: " + m.reason();
                problems.add(problem);
                nativeResults.put(request, problem);
                rejected.add(new JsonObject().put("at", visibleText.length()).put("raw", m.raw()).put("reason", m.reason()));
            }
        }

        void accept(MetaResponse call, String raw, ToolExecutionRequest nativeRequest) {
            callCount++;
            Call earlier = calls.get(call.id());
            if (earlier != null && earlier.round != this && sameCall(earlier.call, call)) {
                // the model repeated a call that already runs (a repair or continuation round): it runs once
                if (nativeRequest != null) {
                    nativeResults.put(nativeRequest, "already requested as " + call.id() + "; it runs once");
                }
                return;
            }
            int repaired = awaitingRepairAt(call.id());
            int at = repaired >= 0 ? repaired : visibleText.length();
            Call c = new Call(call, this, nativeRequest, at, raw);
            if (earlier == null) {
                calls.put(call.id(), c);
            }
            roundCalls.add(c);
            dispatch(c);
        }

        /**
         * Ollama reports each tool call as it completes and again in the final message, without ids: a request
         * of the final message that matches one already received (by id, or by name and arguments) is that one.
         */
        void onComplete(ChatResponse response) {
            if (segmentEnded || finished) {
                return;
            }
            AiMessage ai = response == null ? null : response.aiMessage();
            if (ai != null && ai.hasToolExecutionRequests()) {
                List<ToolExecutionRequest> unmatched = new ArrayList<>(nativeRequests);
                for (ToolExecutionRequest request : ai.toolExecutionRequests()) {
                    ToolExecutionRequest same = unmatched.stream().filter(r -> sameRequest(r, request)).findFirst().orElse(null);
                    if (same != null) {
                        unmatched.remove(same);
                    } else {
                        onToolCall(request);
                    }
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
                if (!c.isSettled()) {
                    return false;
                }
            }
            return true;
        }
    }

    private static boolean sameCall(MetaResponse a, MetaResponse b) {
        return Objects.equals(a.task(), b.task()) && Objects.equals(a.tool(), b.tool()) && a.args().equals(b.args());
    }

    private static boolean sameRequest(ToolExecutionRequest a, ToolExecutionRequest b) {
        if (a.id() != null && b.id() != null) {
            return a.id().equals(b.id());
        }
        return Objects.equals(a.name(), b.name()) && Objects.equals(normalisedArguments(a), normalisedArguments(b));
    }

    private static Object normalisedArguments(ToolExecutionRequest r) {
        String args = r.arguments() == null || r.arguments().isBlank() ? "{}" : r.arguments();
        try {
            return Json.parse(args);
        } catch (IllegalArgumentException e) {
            return args;
        }
    }

    private static String normalised(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }

    /** The offset of a rejected call awaiting repair with this id, or -1: its fix stands where it stood. */
    private int awaitingRepairAt(String callId) {
        for (JsonObject r : awaitingRepair) {
            if (callId.equals(r.getString("callId"))) {
                return r.getInteger("at", -1);
            }
        }
        return -1;
    }

    // ---- calls -------------------------------------------------------------------------------------

    /** A call this turn sent to the dispatcher, as the agent tracks it for events and results. */
    private static final class Call {
        final MetaResponse call;
        final Round round;
        final ToolExecutionRequest nativeRequest;
        final int at;
        String raw;
        String jobId;
        String tool;
        String artifactId;
        JsonObject artifact;
        JsonObject error;
        boolean rejected;

        Call(MetaResponse call, Round round, ToolExecutionRequest nativeRequest, int at, String raw) {
            this.call = call;
            this.round = round;
            this.nativeRequest = nativeRequest;
            this.at = at;
            this.raw = raw;
        }

        boolean isSettled() {
            return artifactId != null || error != null || rejected;
        }
    }

    /**
     * Streams one call into the turn's dispatcher turn. The dispatcher validates it, routes it, resolves its
     * references and reports it on the agent's events address; a rejection comes back in the reply.
     */
    private void dispatch(Call c) {
        JsonObject wire = new JsonObject().put("id", c.call.id()).put("args", new JsonObject(Json.write(c.call.args())));
        if (c.call.task() != null) {
            wire.put("task", c.call.task());
        }
        if (c.call.tool() != null) {
            wire.put("tool", c.call.tool());
        }
        JsonObject request = new JsonObject().put("action", DispatchProtocol.DISPATCH).put("requestId", turnId + ":" + c.call.id())
                .put("turnId", turnId).put("events", agent.eventsAddress()).put("open", true)
                .put("calls", new JsonArray().add(wire));
        if (!dispatcherTurnOpened) {
            dispatcherTurnOpened = true;
            JsonObject known = new JsonObject();
            session.knownArtifacts().forEach((id, modality) -> known.put(id, modality == null ? null : modality.wireName()));
            request.put("knownArtifacts", known);
        }
        agent.vertx().eventBus().<JsonObject>request(EventBusAddresses.DISPATCH, request,
                new DeliveryOptions().setSendTimeout(30_000)).onComplete(ar -> {
                    if (c.isSettled()) {
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
                        rejected(c, reply.getJsonArray("errors", new JsonArray()));
                    }
                });
    }

    /** The dispatcher refused the call before running it: it goes to the repair round, or is rejected for good. */
    private void rejected(Call c, JsonArray errors) {
        c.rejected = true;
        calls.remove(c.call.id(), c);
        StringBuilder sb = new StringBuilder("call '" + c.call.id() + "' is invalid:");
        JsonArray list = new JsonArray();
        for (Object o : errors) {
            JsonObject e = (JsonObject) o;
            String pointer = e.getString("pointer", "");
            sb.append(' ').append(pointer.isEmpty() ? "" : pointer + ": ").append(e.getString("message", "")).append(';');
            list.add(new JsonObject().put("code", e.getString("code")).put("pointer", pointer).put("message", e.getString("message")));
        }
        String problem = sb.substring(0, sb.length() - 1);
        c.round.problems.add(problem);
        c.round.rejected.add(new JsonObject().put("callId", c.call.id()).put("at", c.at).put("raw", c.raw).put("errors", list));
        if (c.nativeRequest != null) {
            c.round.nativeResults.put(c.nativeRequest, problem);
        }
        checkRoundDone();
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

    /** An event from the dispatcher about one of this turn's calls. */
    void onDispatcherEvent(JsonObject event) {
        Call c = calls.get(event.getString("callId", ""));
        if (c == null || c.isSettled() || finished) {
            return;
        }
        switch (event.getString("type", "")) {
            case DispatchProtocol.ACCEPTED -> {
                c.jobId = event.getString("jobId");
                c.tool = event.getString("tool");
                JsonObject e = callEvent(AgentEvents.CALL_ACCEPTED, c).put("jobId", c.jobId)
                        .put("tool", c.tool).put("task", event.getString("task"))
                        .put("args", event.getJsonObject("args", new JsonObject()));
                JsonArray waiting = event.getJsonArray("waitingFor");
                if (waiting != null && !waiting.isEmpty()) {
                    e.put("waitingFor", waiting);
                }
                emit(e);
            }
            case DispatchProtocol.PROGRESS -> emit(callEvent(AgentEvents.PROGRESS, c).put("jobId", c.jobId)
                    .put("fraction", event.getDouble("fraction", 0.0)).put("message", event.getString("message", "")));
            case DispatchProtocol.COMPLETED -> callCompleted(c, event.getString("artifactId"),
                    event.getJsonObject("artifact", new JsonObject()).copy().put("reused", event.getBoolean("reused", false)));
            case DispatchProtocol.FAILED, DispatchProtocol.CANCELLED -> callFailed(c, event.getJsonObject("error",
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
        JsonObject e = callEvent(AgentEvents.ARTIFACT, c).put("id", artifactId).put("mimeType", mime)
                .put("modality", modality.wireName()).put("tool", artifact.getString("tool", c.tool))
                .put("task", c.call.task() != null ? c.call.task() : artifact.getString("task"))
                .put("reused", artifact.getBoolean("reused", false));
        Object attributes = artifact.getValue("attributes");
        if (attributes instanceof JsonObject a) {
            e.put("attributes", a);
        }
        emit(e);
        checkRoundDone();
    }

    private void callFailed(Call c, JsonObject error) {
        if (c.isSettled()) {
            return;
        }
        c.error = error;
        emit(callEvent(AgentEvents.CALL_FAILED, c).put("jobId", c.jobId).put("error", error));
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

    /** Ends the round once the images a multimodal model is shown have been read, off the event loop. */
    private void endRound(Round r) {
        if (r.ending) {
            return;
        }
        r.ending = true;
        List<Call> pictures = r.roundCalls.stream().filter(c -> agent.options().multimodal() && !c.rejected && c.artifactId != null
                && Modality.ofMimeType(c.artifact.getString("mimeType", "")) == Modality.IMAGE).toList();
        if (pictures.isEmpty() || cancelled != null) {
            roundEnded(r, List.of());
            return;
        }
        agent.vertx().executeBlocking(() -> {
            List<Content> images = new ArrayList<>();
            for (Call c : pictures) {
                images.add(ImageContent.from(Base64.getEncoder().encodeToString(agent.store().read(c.artifactId)),
                        c.artifact.getString("mimeType")));
            }
            return images;
        }, false).onComplete(read -> {
            if (!finished) {
                roundEnded(r, read.succeeded() ? read.result() : List.of());
            }
        });
    }

    private void roundEnded(Round r, List<Content> images) {
        if (cancelled != null) {
            finishFailed("cancelled", cancelled);
            return;
        }
        r.releaseWithheld();
        String text = r.text.toString();
        if (!text.isBlank() || !r.nativeRequests.isEmpty()) {
            AiMessage ai = r.nativeRequests.isEmpty() ? AiMessage.from(text)
                    : text.isBlank() ? AiMessage.from(r.nativeRequests) : AiMessage.from(text, r.nativeRequests);
            messages.add(ai);
            turnMessages.add(ai);
        }
        List<String> results = new ArrayList<>();
        for (Call c : r.roundCalls) {
            if (c.rejected) {
                continue;
            }
            String line = describeResult(c);
            results.add(line);
            if (c.nativeRequest != null) {
                r.nativeResults.put(c.nativeRequest, line);
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
        boolean continueAfterCalls = r.roundCalls.stream().anyMatch(c -> !c.rejected) && round < agent.options().maxRounds();
        if (!repair && !continueAfterCalls) {
            finishDone();
            return;
        }
        if (repair) {
            repairsLeft--;
        }
        nextKind = repair ? RoundContext.Kind.REPAIR : RoundContext.Kind.RESULTS;
        if (agent.options().nativeToolCalls()) {
            for (ToolExecutionRequest request : r.nativeRequests) {
                String result = r.nativeResults.getOrDefault(request, "not run: the call was not read");
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
        r.roundCalls.stream().filter(c -> !c.rejected).forEach(c -> fixed.add(c.call.id()));
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
        if (dispatcherTurnOpened) {
            agent.vertx().eventBus().request(EventBusAddresses.DISPATCH, new JsonObject().put("action", DispatchProtocol.CANCEL)
                    .put("turnId", turnId).put("reason", reason));
        }
        for (Call c : List.copyOf(calls.values())) {
            if (!c.isSettled()) {
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
        if (dispatcherTurnOpened) {
            // the dispatcher's turn ends once its last call has; a call still running finishes there unreported
            agent.vertx().eventBus().send(EventBusAddresses.DISPATCH, new JsonObject().put("action", DispatchProtocol.CLOSE)
                    .put("turnId", turnId));
        }
        session.remember(turnMessages);
        emit(last);
        agent.turnEnded(this);
        done.complete(last);
    }

    /** An event about a call: its id and {@code at}, its place in the visible text. */
    private JsonObject callEvent(String type, Call c) {
        return event(type).put("callId", c.call.id()).put("at", c.at);
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
