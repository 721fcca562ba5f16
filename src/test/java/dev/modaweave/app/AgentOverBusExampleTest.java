package dev.modaweave.app;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.modaweave.agent.cluster.ClusterSettings;
import dev.modaweave.app.docs.ReadmeAccess;
import dev.modaweave.app.runtime.AgentRuntime;
import dev.modaweave.client.ModaweaveClient;
import dev.modaweave.client.ModaweaveClientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Runs the README's "call the agent over the event bus" example, compiled from the README as written,
 * against a node started like {@code serve --cluster} (agent, dispatcher, workers, event-bus API,
 * artifact reads; Hazelcast on loopback). Only the member's port and the cluster's name are replaced,
 * so that the test cannot meet another cluster on this machine.
 */
class AgentOverBusExampleTest {

    @TempDir
    Path dir;

    /** Stands in for the LLM: answers with one meta-response, then nothing. */
    static final class OneCallModel implements StreamingChatModel {
        private int round;

        @Override
        public synchronized void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            String reply = round++ == 0
                    ? "A stormy lighthouse: <meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a lighthouse in a storm\"}}</meta>"
                    : "";
            if (!reply.isEmpty()) {
                handler.onPartialResponse(reply);
            }
            handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from(reply)).build());
        }
    }

    @Test
    void the_readme_example_joins_a_clustered_node_and_prints_the_turn_and_its_artifact() throws Exception {
        int port = freePort();
        String cluster = "mw-readme-" + UUID.randomUUID().toString().substring(0, 8);
        ClusterSettings settings = ClusterSettings.loopback().withClusterName(cluster).withPort(port)
                .withMembers(List.of("127.0.0.1:" + port));
        Class<?> example = ReadmeAccess.readmeClass("Lighthouse", source -> replaceOnce(replaceOnce(source,
                "\"127.0.0.1:5701\"", "\"127.0.0.1:" + port + "\""),
                "ClusterSettings.loopback()", "ClusterSettings.loopback().withClusterName(\"" + cluster + "\")"));

        try (AgentRuntime node = AgentRuntime.builder().storeRoot(dir).model(new OneCallModel()).cluster(settings).busApi(true).start()) {
            String printed = runMain(example);

            assertThat(printed).contains("A stormy lighthouse:").containsPattern("\\[image art_[a-z2-7]{26}]")
                    .containsPattern("image/png, [1-9][0-9]* bytes").endsWith("done" + System.lineSeparator());
            assertThat(node.clustered()).isTrue();
        }
    }

    @Test
    void without_an_agent_in_the_cluster_the_client_says_so() throws Exception {
        int port = freePort();
        ClusterSettings alone = ClusterSettings.loopback().withClusterName("mw-empty-" + UUID.randomUUID().toString().substring(0, 8))
                .withPort(port).withMembers(List.of("127.0.0.1:" + port));
        try (ModaweaveClient client = ModaweaveClient.join(alone).await(60, TimeUnit.SECONDS)) {
            Throwable failure = catchThrowable(() -> client.send("demo", "hello").await(30, TimeUnit.SECONDS));

            assertThat(failure).isInstanceOf(ModaweaveClientException.class).hasMessageContaining("no Modaweave agent answers on cluster '"
                    + alone.clusterName() + "'").hasMessageContaining("modaweave serve --cluster");
        }
    }

    private static String runMain(Class<?> example) throws Exception {
        Method main = example.getMethod("main", String[].class);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String replaceOnce(String source, String what, String with) {
        int at = source.indexOf(what);
        assertThat(at).as("the README example contains " + what).isNotNegative();
        assertThat(source.indexOf(what, at + 1)).as(what + " appears once").isNegative();
        return source.replace(what, with);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
