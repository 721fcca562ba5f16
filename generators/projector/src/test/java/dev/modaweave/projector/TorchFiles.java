package dev.modaweave.projector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Loads a tensor file with PyTorch itself ({@code torch.load(…, weights_only=True)}, as vLLM does). */
final class TorchFiles {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private TorchFiles() {
    }

    static void assertLoadsInPyTorch(byte[] file, float[][] expected) throws IOException, InterruptedException {
        boolean ci = "true".equals(System.getenv("CI"));
        boolean torch = Files.isExecutable(PYTHON) && new ProcessBuilder(PYTHON.toString(), "-c", "import torch")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        if (!ci) {
            assumeTrue(torch, "PyTorch for /usr/bin/python3 is missing (Debian package python3-torch): the tensor file was "
                    + "checked by the Java reader only");
        }
        assertThat(torch).as("python3-torch is required when CI=true").isTrue();
        Path tensor = Files.createTempFile("prompt-embeds", ".pt");
        try {
            Files.write(tensor, file);
            Process p = new ProcessBuilder(PYTHON.toString(), "-c",
                    "import sys, torch; t = torch.load(sys.argv[1], weights_only=True); "
                            + "print(t.dtype, tuple(t.shape), '%.6f' % t.sum().item())", tensor.toString())
                    .redirectErrorStream(true).start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            double sum = 0;
            for (float[] row : expected) {
                for (float v : row) {
                    sum += v;
                }
            }
            assertThat(out).startsWith("torch.float32 (" + expected.length + ", " + expected[0].length + ") ");
            double pythonSum = Double.parseDouble(out.substring(out.lastIndexOf(' ') + 1));
            assertThat(pythonSum).isCloseTo(sum, org.assertj.core.api.Assertions.within(1e-3 * Math.max(1, Math.abs(sum))));
        } finally {
            Files.deleteIfExists(tensor);
        }
    }

    static String format(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }
}
