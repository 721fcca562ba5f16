package dev.modaweave.generators.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.contract.GeneratorToolContract;
import org.junit.jupiter.api.AfterAll;

import java.util.List;
import java.util.function.Supplier;

/**
 * The shared generator contract for one HTTP backend against a WireMock stand-in of its server: the
 * server starts, answering the fixture's happy path, when the tool is made and stops after the class.
 * Accepted arguments are the fixture's; refused ones are given as JSON text.
 */
abstract class WireMockContract extends GeneratorToolContract {

    private final Supplier<BackendFixture> fixture;
    private final boolean deterministic;
    private final boolean cancellable;
    private final List<String> invalid;
    private WireMockServer server;

    /**
     * @param fixture       the backend's fixture
     * @param deterministic whether the same arguments give the same bytes
     * @param cancellable   whether a cancellation arriving during generation must stop it
     * @param invalid       arguments the tool must refuse, at least one
     */
    WireMockContract(Supplier<BackendFixture> fixture, boolean deterministic, boolean cancellable, String... invalid) {
        this.fixture = fixture;
        this.deterministic = deterministic;
        this.cancellable = cancellable;
        this.invalid = List.of(invalid);
    }

    /** The backend's fixture. */
    BackendFixture fixture() {
        return fixture.get();
    }

    @Override
    protected GeneratorTool createTool() {
        server = Backends.startWireMock();
        fixture().happy().accept(server);
        return fixture().build(server);
    }

    @Override
    protected ObjectNode validArguments() {
        return fixture().arguments();
    }

    @Override
    protected List<ObjectNode> invalidArguments() {
        return invalid.stream().map(GeneratorToolContract::args).toList();
    }

    @Override
    protected boolean deterministic() {
        return deterministic;
    }

    @Override
    protected boolean cancellableDuringGeneration() {
        return cancellable;
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.stop();
        }
    }
}
