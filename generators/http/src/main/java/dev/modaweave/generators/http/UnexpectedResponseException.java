package dev.modaweave.generators.http;

import dev.modaweave.tools.NonRetriableToolException;

/**
 * The backend answered successfully but not in the shape its API promises (JSON without the
 * expected fields, a job that ended in an error, a redirect where none belongs). Trying again
 * does not help; the message quotes the shortened answer and says what was expected.
 */
public class UnexpectedResponseException extends NonRetriableToolException {

    public UnexpectedResponseException(String message) {
        super(message);
    }

    public UnexpectedResponseException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String code() {
        return "bad_response";
    }
}
