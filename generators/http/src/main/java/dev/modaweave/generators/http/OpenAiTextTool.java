package dev.modaweave.generators.http;

import dev.modaweave.generators.http.internal.BackendClient;
import dev.modaweave.generators.http.internal.ToolSupport;
import dev.modaweave.tools.GeneratorTool;
import dev.modaweave.tools.Modality;
import dev.modaweave.tools.ToolDescriptor;

/**
 * An OpenAI-compatible backend that answers text (captions, transcripts): the bearer-authenticated
 * client, and a descriptor whose name, task and capacity come from the tool's HTTP settings, which the
 * captioning and transcription tools share.
 */
abstract class OpenAiTextTool implements GeneratorTool {

    /** The backend's client. */
    final BackendClient client;
    /** The descriptor and call checks. */
    final ToolSupport support;

    /**
     * @param backend    how messages name the backend
     * @param http       the tool's HTTP settings
     * @param descriptor the descriptor's modalities, schema, example and description
     */
    OpenAiTextTool(String backend, HttpToolSettings http, ToolDescriptor.Builder descriptor) {
        this.client = new BackendClient(backend, http, BackendClient.Auth.BEARER);
        this.support = new ToolSupport(descriptor
                .name(http.name())
                .task(http.task())
                .outputModality(Modality.TEXT)
                .capacity(http.capacity())
                .build());
    }

    @Override
    public final ToolDescriptor descriptor() {
        return support.descriptor();
    }

    @Override
    public final void close() {
        client.close();
    }
}
