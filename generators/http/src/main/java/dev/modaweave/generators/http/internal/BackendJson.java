package dev.modaweave.generators.http.internal;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modaweave.tools.Json;

/**
 * The project's strict JSON configuration, with room for long strings: backends return media as
 * base64 inside JSON, bounded by the download size cap rather than by the parser.
 */
final class BackendJson {

    static final ObjectMapper MAPPER = Json.MAPPER.copy();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(200)
                .maxStringLength(Integer.MAX_VALUE)
                .build());
    }

    private BackendJson() {
    }
}
