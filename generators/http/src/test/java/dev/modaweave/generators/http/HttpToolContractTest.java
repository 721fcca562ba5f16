package dev.modaweave.generators.http;

import org.junit.jupiter.api.Nested;

import java.util.function.Supplier;

/** Every HTTP backend passes the shared generator contract against a WireMock stand-in of its server. */
class HttpToolContractTest {

    /** Runs the contract for one backend fixture, with its own WireMock server; any call may be cancelled. */
    abstract static class AgainstWireMock extends WireMockContract {
        AgainstWireMock(Supplier<BackendFixture> fixture) {
            super(fixture, false, true, "{}", "{\"not_an_argument\": 1}");
        }
    }

    @Nested
    class Automatic1111 extends AgainstWireMock {
        Automatic1111() {
            super(BackendFixture::automatic1111);
        }
    }

    @Nested
    class ComfyUi extends AgainstWireMock {
        ComfyUi() {
            super(BackendFixture::comfyUi);
        }
    }

    @Nested
    class OpenAiImages extends AgainstWireMock {
        OpenAiImages() {
            super(BackendFixture::openAiImages);
        }
    }

    @Nested
    class OpenAiSpeech extends AgainstWireMock {
        OpenAiSpeech() {
            super(BackendFixture::openAiSpeech);
        }
    }

    @Nested
    class Replicate extends AgainstWireMock {
        Replicate() {
            super(BackendFixture::replicate);
        }
    }

    @Nested
    class Stability extends AgainstWireMock {
        Stability() {
            super(BackendFixture::stability);
        }
    }
}
