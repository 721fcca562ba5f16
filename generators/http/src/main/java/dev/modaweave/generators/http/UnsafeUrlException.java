package dev.modaweave.generators.http;

import dev.modaweave.tools.NonRetriableToolException;

/**
 * A URL taken from a backend's answer (a media URL or a redirect) was not fetched because it
 * points at a private, loopback or link-local address, at a host outside the allowed media hosts,
 * or uses a scheme other than http/https. The message names the URL's host, the address and the
 * setting that would allow it.
 */
public class UnsafeUrlException extends NonRetriableToolException {

    public UnsafeUrlException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "unsafe_url";
    }
}
