package dev.modaweave.tools;

/** No artifact has the given id (or the id is malformed). The message quotes the id, shortened. */
public class ArtifactNotFoundException extends NonRetriableToolException {

    public ArtifactNotFoundException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "artifact_not_found";
    }
}
