package dev.modaweave.datasets;

import dev.modaweave.tools.Modality;

import java.util.Objects;

/**
 * One caption of a media item from a caption corpus: the text that describes an image, a video or
 * a sound, with where it came from. Records refer to media by {@link #id()}; no media bytes are used.
 *
 * @param id       the corpus's id of the caption (unique within the input)
 * @param text     the caption as published
 * @param modality what the caption describes (image, video or audio)
 * @param source   the corpus's name, e.g. {@code MS-COCO Captions 2017}; {@code unknown} when not given
 * @param split    the corpus's own split label, kept for reference (Modaweave assigns its own splits)
 */
public record Caption(String id, String text, Modality modality, String source, String split) {

    public Caption {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a caption has no id; every caption row needs a non-empty id");
        }
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("caption '" + id + "' has an empty text");
        }
        Objects.requireNonNull(modality, "modality");
        if (modality == Modality.TEXT) {
            throw new IllegalArgumentException("caption '" + id + "' has modality text; captions describe image, video or audio");
        }
        source = source == null || source.isBlank() ? "unknown" : source;
        split = split == null ? "" : split;
    }
}
