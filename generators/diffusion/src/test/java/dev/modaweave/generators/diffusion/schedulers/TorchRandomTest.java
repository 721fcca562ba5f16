package dev.modaweave.generators.diffusion.schedulers;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The host noise follows PyTorch's CPU {@code torch.randn} for the same seed. */
class TorchRandomTest {

    @Test
    void seed_zero_gives_the_values_torch_randn_gives() {
        // torch.randn(20, generator=torch.manual_seed(0))[:5]
        float[] noise = new TorchRandom(0).normal(20);
        assertThat(noise[0]).isCloseTo(-1.1258398f, within(1e-6f));
        assertThat(noise[1]).isCloseTo(-1.1523602f, within(1e-6f));
        assertThat(noise[2]).isCloseTo(-0.2505786f, within(1e-6f));
        assertThat(noise[3]).isCloseTo(-0.4338788f, within(1e-6f));
        assertThat(noise[4]).isCloseTo(0.5988395f, within(1e-6f));
    }

    @Test
    void a_latent_shaped_draw_follows_torch_including_its_tail() {
        // torch.randn(1, 4, 8, 8, generator=torch.manual_seed(42)).flatten(): first, last values and |x| sum
        float[] noise = new TorchRandom(42).normal(1, 4, 8, 8);
        assertThat(noise).hasSize(256);
        assertThat(noise[0]).isCloseTo(1.9269153f, within(1e-6f));
        assertThat(noise[2]).isCloseTo(0.9007172f, within(1e-6f));
        assertThat(noise[255]).isCloseTo(0.22245365f, within(1e-6f));
        double sum = 0;
        for (float v : noise) {
            sum += Math.abs(v);
        }
        assertThat(sum).isCloseTo(206.21983, within(1e-3));
    }

    @Test
    void the_same_seed_gives_the_same_noise_and_another_seed_does_not() {
        assertThat(new TorchRandom(7).normal(64)).containsExactly(new TorchRandom(7).normal(64));
        assertThat(new TorchRandom(7).normal(64)).isNotEqualTo(new TorchRandom(8).normal(64));
    }

    @Test
    void fewer_than_sixteen_values_come_from_one_block_and_none_is_refused() {
        assertThat(new TorchRandom(0).normal(4)).containsExactly(Arrays.copyOf(new TorchRandom(0).normal(16), 4));
        assertThatThrownBy(() -> new TorchRandom(0).normal(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
