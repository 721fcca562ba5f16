package dev.modaweave.generators.diffusion.schedulers;

import java.util.Arrays;
import java.util.Objects;

/**
 * Standard-normal noise made on the host, bit-for-bit the stream PyTorch's CPU generator gives for
 * {@code torch.randn(n, generator=torch.manual_seed(seed))} (up to the last bit of {@code log}/{@code cos}):
 * a 32-bit Mersenne Twister seeded like {@code torch.manual_seed}, uniform floats from its 24 low
 * bits, and the Box-Muller transform over blocks of 16 values that PyTorch applies to tensors of 16
 * or more elements. Noise made here does not depend on the device the model runs on, so a CPU and a
 * GPU node give the same starting latents for the same seed, and the noise matches what a diffusers
 * pipeline draws from a CPU {@code torch.Generator} with the same seed.
 *
 * <p>Not thread-safe: one instance per generation.
 */
public final class TorchRandom {

    private static final int N = 624;
    private static final int M = 397;

    private final int[] state = new int[N];
    private int index;

    /** A generator in the state {@code torch.manual_seed(seed)} leaves the default CPU generator in. */
    public TorchRandom(long seed) {
        state[0] = (int) seed;
        for (int j = 1; j < N; j++) {
            state[j] = 1812433253 * (state[j - 1] ^ (state[j - 1] >>> 30)) + j;
        }
        index = N;
    }

    /** The next 32 bits of the Mersenne Twister, as an unsigned value. */
    public long nextUnsignedInt() {
        if (index >= N) {
            twist();
        }
        int y = state[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xFFFFFFFFL;
    }

    /** A uniform float in [0, 1) the way PyTorch makes one for a float tensor (24 random bits). */
    public float nextUniformFloat() {
        return (float) ((nextUnsignedInt() & ((1 << 24) - 1)) * (1.0 / (1 << 24)));
    }

    /**
     * {@code count} standard-normal floats, as {@code torch.randn(count)} on the CPU generator.
     * PyTorch draws tensors of fewer than 16 elements by another method; for those this class draws
     * a block of 16 and returns its first {@code count} values (deterministic, but not PyTorch's values).
     *
     * @param count at least 1
     */
    public float[] normal(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("noise of " + count + " values: at least 1 is needed");
        }
        if (count < 16) {
            return Arrays.copyOf(normal(16), count);
        }
        float[] data = new float[count];
        for (int i = 0; i < count; i++) {
            data[i] = nextUniformFloat();
        }
        for (int i = 0; i + 16 <= count; i += 16) {
            boxMuller16(data, i);
        }
        if (count % 16 != 0) {
            // PyTorch redraws the last 16 values so that the tail is a whole block
            int from = count - 16;
            for (int i = 0; i < 16; i++) {
                data[from + i] = nextUniformFloat();
            }
            boxMuller16(data, from);
        }
        return data;
    }

    /** Standard-normal noise for a tensor of {@code shape}, row-major. */
    public float[] normal(long... shape) {
        Objects.requireNonNull(shape, "shape");
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("noise tensor too large: " + count + " values");
        }
        return normal((int) count);
    }

    private static void boxMuller16(float[] data, int from) {
        for (int j = 0; j < 8; j++) {
            float u1 = 1 - data[from + j];
            float u2 = data[from + j + 8];
            float radius = (float) Math.sqrt(-2 * (float) Math.log(u1));
            double theta = 2.0f * Math.PI * u2;
            data[from + j] = (float) (radius * Math.cos(theta));
            data[from + j + 8] = (float) (radius * Math.sin(theta));
        }
    }

    private void twist() {
        for (int i = 0; i < N; i++) {
            int y = (state[i] & 0x80000000) | (state[(i + 1) % N] & 0x7fffffff);
            int next = state[(i + M) % N] ^ (y >>> 1);
            if ((y & 1) != 0) {
                next ^= 0x9908b0df;
            }
            state[i] = next;
        }
        index = 0;
    }
}
