package dev.modaweave.app.planner;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modaweave.agent.MetaResponse;
import dev.modaweave.tools.Json;

import java.util.List;
import java.util.Objects;

/**
 * What the planner answers to one request.
 *
 * @param request     the request as read (without attachment lines and the artifact list)
 * @param calls       the meta-responses, in the order they appear in the reply
 * @param reply       the whole reply: text with the calls as canonical {@code <meta>} blocks
 * @param text        the reply's words without the calls
 * @param passThrough whether the message already held meta-responses and is answered unchanged
 */
public record Plan(String request, List<MetaResponse> calls, String reply, String text, boolean passThrough) {

    public Plan {
        Objects.requireNonNull(request, "request");
        calls = List.copyOf(calls);
        Objects.requireNonNull(reply, "reply");
        Objects.requireNonNull(text, "text");
    }

    /** {@code {"request":…,"calls":[{"task":…,"args":{…}}…],"text":…}}, as {@code modaweave plan --json} prints it. */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("request", request);
        ArrayNode cs = o.putArray("calls");
        for (MetaResponse c : calls) {
            ObjectNode call = cs.addObject().put("id", c.id());
            if (c.task() != null) {
                call.put("task", c.task());
            }
            if (c.tool() != null) {
                call.put("tool", c.tool());
            }
            call.set("args", c.args().deepCopy());
        }
        o.put("text", text);
        return o;
    }
}
