package dev.modaweave.generators.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.contract.GeneratorToolContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

import java.util.List;

/** Every HTTP backend passes the shared generator contract against a WireMock stand-in of its server. */
class HttpToolContractTest {

    /** Runs the contract for one backend fixture, with its own WireMock server. */
    abstract static class AgainstWireMock extends GeneratorToolContract {
        private WireMockServer wm;

        abstract BackendFixture fixture();

        @Override
        protected GeneratorTool createTool() {
            wm = Backends.startWireMock();
            fixture().happy().accept(wm);
            return fixture().build(wm);
        }

        @Override
        protected ObjectNode validArguments() {
            return fixture().arguments();
        }

        @Override
        protected List<ObjectNode> invalidArguments() {
            return List.of(args("{}"), args("{\"not_an_argument\": 1}"));
        }

        @Override
        protected boolean cancellableDuringGeneration() {
            return true;
        }

        @AfterAll
        void stopWireMock() {
            if (wm != null) {
                wm.stop();
            }
        }
    }

    @Nested
    class Automatic1111 extends AgainstWireMock {
        @Override
        BackendFixture fixture() {
            return BackendFixture.automatic1111();
        }
    }

    @Nested
    class ComfyUi extends AgainstWireMock {
        @Override
        BackendFixture fixture() {
            return BackendFixture.comfyUi();
        }
    }

    @Nested
    class OpenAiImages extends AgainstWireMock {
        @Override
        BackendFixture fixture() {
            return BackendFixture.openAiImages();
        }
    }

    @Nested
    class OpenAiSpeech extends AgainstWireMock {
        @Override
        BackendFixture fixture() {
            return BackendFixture.openAiSpeech();
        }
    }

    @Nested
    class Replicate extends AgainstWireMock {
        @Override
        BackendFixture fixture() {
            return BackendFixture.replicate();
        }
    }

    @Nested
    class Stability extends AgainstWireMock {
        @Override
        BackendFixture fixture() {
            return BackendFixture.stability();
        }
    }
}
