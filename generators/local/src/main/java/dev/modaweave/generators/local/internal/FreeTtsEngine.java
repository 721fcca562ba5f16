package dev.modaweave.generators.local.internal;

import com.sun.speech.freetts.Voice;
import com.sun.speech.freetts.audio.AudioPlayer;
import com.sun.speech.freetts.en.us.cmu_us_kal.KevinVoiceDirectory;
import dev.modaweave.generators.media.Media;
import dev.modaweave.tools.Cancellation;
import dev.modaweave.tools.InvalidArgumentsException;
import dev.modaweave.tools.NonRetriableToolException;
import dev.modaweave.tools.ProgressListener;

import javax.sound.sampled.AudioFormat;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * Pure-Java speech with FreeTTS and its 16 kHz {@code kevin16} voice, which lives inside the
 * FreeTTS jar: works on any machine, in English only. The voice is loaded on first use and
 * reused; FreeTTS voices are not thread-safe, so syntheses run one at a time.
 */
public final class FreeTtsEngine implements SpeechEngine {

    private static final String VOICE = "kevin16";

    private Voice voice;

    @Override
    public String name() {
        return "freetts";
    }

    @Override
    public int capacity() {
        return 1;
    }

    @Override
    public synchronized Speech speak(String text, String requestedVoice, int rate, int pitch,
                                     Cancellation cancellation, ProgressListener progress) {
        if (requestedVoice != null && !requestedVoice.toLowerCase(Locale.ROOT).startsWith("en")) {
            throw new InvalidArgumentsException("arguments for 'local-tts' are invalid: voice '" + requestedVoice
                    + "' is not available; without espeak-ng only English (FreeTTS kevin16) is spoken; install espeak-ng for other languages");
        }
        cancellation.throwIfCancelled();
        Voice v = voice();
        var player = new MemoryAudioPlayer(cancellation, progress);
        v.setAudioPlayer(player);
        v.setRate(rate);
        v.setPitch(50f + pitch);
        boolean completed = v.speak(text);
        cancellation.throwIfCancelled();
        if (!completed || player.format == null || player.pcm.size() == 0) {
            throw new NonRetriableToolException("FreeTTS produced no audio for a text of " + text.length()
                    + " characters; the text may have no speakable words");
        }
        return new Speech(Media.wav(player.pcm.toByteArray(), player.format), VOICE);
    }

    private Voice voice() {
        if (voice == null) {
            Voice found = Arrays.stream(new KevinVoiceDirectory().getVoices())
                    .filter(v -> v.getName().equals(VOICE))
                    .findFirst()
                    .orElseThrow(() -> new NonRetriableToolException("the FreeTTS jar on the class path has no voice "
                            + VOICE + "; use net.sf.sociaal:freetts 1.2.2"));
            found.allocate();
            voice = found;
        }
        return voice;
    }

    /** Collects the synthesised samples in memory; refuses more once the call is cancelled. */
    private static final class MemoryAudioPlayer implements AudioPlayer {
        private final Cancellation cancellation;
        private final ProgressListener progress;
        private final ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        private AudioFormat format;
        private float volume = 1f;
        private boolean reported;

        MemoryAudioPlayer(Cancellation cancellation, ProgressListener progress) {
            this.cancellation = cancellation;
            this.progress = progress;
        }

        @Override public void setAudioFormat(AudioFormat format) { this.format = format; }
        @Override public AudioFormat getAudioFormat() { return format; }
        @Override public void pause() { }
        @Override public void resume() { }
        @Override public void reset() { }
        @Override public boolean drain() { return !cancellation.isCancelled(); }
        @Override public void begin(int size) { }
        @Override public boolean end() { return !cancellation.isCancelled(); }
        @Override public void cancel() { }
        @Override public void close() { }
        @Override public float getVolume() { return volume; }
        @Override public void setVolume(float volume) { this.volume = volume; }
        @Override public long getTime() { return 0; }
        @Override public void resetTime() { }
        @Override public void startFirstSampleTimer() { }
        @Override public void showMetrics() { }

        @Override
        public boolean write(byte[] audio) {
            return write(audio, 0, audio.length);
        }

        @Override
        public boolean write(byte[] audio, int offset, int length) {
            if (!reported) {
                reported = true;
                progress.progress(0.5, "speaking");
            }
            if (cancellation.isCancelled()) {
                return false;
            }
            pcm.write(audio, offset, length);
            return true;
        }
    }
}
