package dev.modaweave.tools;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The well-known task names a meta-response may ask for. A tool declares exactly one task; the
 * dispatcher resolves a task to one of the tools that declare it. Tools may declare other task
 * names too: these constants are the ones the prompts, the ModaVerse dialect and the datasets use.
 */
public final class Tasks {
    public static final String TEXT_TO_IMAGE = "text-to-image";
    public static final String TEXT_TO_VIDEO = "text-to-video";
    public static final String TEXT_TO_AUDIO = "text-to-audio";
    public static final String TEXT_TO_SPEECH = "text-to-speech";
    public static final String IMAGE_EDIT = "image-edit";
    public static final String IMAGE_TO_VIDEO = "image-to-video";
    public static final String IMAGE_TO_TEXT = "image-to-text";
    public static final String AUDIO_TO_TEXT = "audio-to-text";
    public static final String VIDEO_TO_TEXT = "video-to-text";

    /** Every well-known task, in catalog order. */
    public static final List<String> WELL_KNOWN = List.of(
            TEXT_TO_IMAGE, TEXT_TO_VIDEO, TEXT_TO_AUDIO, TEXT_TO_SPEECH,
            IMAGE_EDIT, IMAGE_TO_VIDEO, IMAGE_TO_TEXT, AUDIO_TO_TEXT, VIDEO_TO_TEXT);

    private static final Pattern WELL_FORMED = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    /** Task names are lower-case words joined by hyphens, 1 to 64 characters. */
    public static boolean isWellFormed(String task) {
        return task != null && task.length() <= 64 && WELL_FORMED.matcher(task).matches();
    }

    private Tasks() {
    }
}
