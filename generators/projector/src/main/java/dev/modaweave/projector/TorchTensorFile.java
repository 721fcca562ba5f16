package dev.modaweave.projector;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A float32 matrix in PyTorch's own file format, the bytes {@code torch.save(tensor, f)} writes and
 * {@code torch.load(f, weights_only=True)} reads: a stored (uncompressed) zip archive with the pickle
 * {@code archive/data.pkl} that rebuilds the tensor with {@code torch._utils._rebuild_tensor_v2}, the raw
 * little-endian storage {@code archive/data/0} aligned to 64 bytes, {@code archive/byteorder} and
 * {@code archive/version}. vLLM takes prompt embeddings in this form, base64-encoded.
 */
public final class TorchTensorFile {

    private static final String ROOT = "archive/";
    private static final int ALIGNMENT = 64;

    private TorchTensorFile() {
    }

    /** The file of a {@code [rows, columns]} float32 tensor. @throws IllegalArgumentException for a ragged matrix */
    public static byte[] write(float[][] matrix) {
        int rows = matrix.length;
        int columns = rows == 0 ? 0 : matrix[0].length;
        ByteBuffer storage = ByteBuffer.allocate(rows * columns * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : matrix) {
            if (row.length != columns) {
                throw new IllegalArgumentException("every row must have " + columns + " values; one has " + row.length);
            }
            for (float v : row) {
                storage.putFloat(v);
            }
        }
        var bytes = new ByteArrayOutputStream();
        var counting = new CountingStream(bytes);
        try (var zip = new ZipOutputStream(counting)) {
            zip.setMethod(ZipOutputStream.STORED);
            put(zip, counting, ROOT + "data.pkl", pickle(rows, columns));
            put(zip, counting, ROOT + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            put(zip, counting, ROOT + "data/0", storage.array());
            put(zip, counting, ROOT + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads back a matrix this class wrote (a 2-D float32 tensor with one storage), for checks.
     *
     * @throws IllegalArgumentException when the bytes are not such a file
     */
    public static float[][] read(byte[] file) {
        byte[] pickle = null;
        byte[] storage = null;
        try (var zip = new ZipInputStream(new java.io.ByteArrayInputStream(file))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                String name = e.getName();
                if (name.endsWith("/data.pkl")) {
                    pickle = zip.readAllBytes();
                } else if (name.endsWith("/data/0")) {
                    storage = zip.readAllBytes();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a PyTorch tensor file: " + e.getMessage(), e);
        }
        if (pickle == null || storage == null) {
            throw new IllegalArgumentException("not a PyTorch tensor file: data.pkl or data/0 is missing");
        }
        int[] shape = shapeOf(pickle);
        ByteBuffer b = ByteBuffer.wrap(storage).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() != shape[0] * shape[1] * 4) {
            throw new IllegalArgumentException("the storage holds " + b.remaining() + " bytes, not " + shape[0] + "x" + shape[1] + " floats");
        }
        float[][] out = new float[shape[0]][shape[1]];
        for (float[] row : out) {
            for (int c = 0; c < row.length; c++) {
                row[c] = b.getFloat();
            }
        }
        return out;
    }

    /** The pickle {@code torch.save} writes for a contiguous 2-D float tensor on the CPU (protocol 2). */
    private static byte[] pickle(int rows, int columns) {
        var p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);                                       // PROTO 2
        global(p, "torch._utils", "_rebuild_tensor_v2");
        p.write('(');                                     // MARK: the arguments
        p.write('(');                                     // MARK: the persistent id of the storage
        unicode(p, "storage");
        global(p, "torch", "FloatStorage");
        unicode(p, "0");                                  // its key: archive/data/0
        unicode(p, "cpu");
        integer(p, rows * columns);                       // element count
        p.write('t');                                     // TUPLE
        p.write('Q');                                     // BINPERSID
        integer(p, 0);                                    // storage offset
        integer(p, rows);
        integer(p, columns);
        p.write(0x86);                                    // TUPLE2: size
        integer(p, columns);
        integer(p, 1);
        p.write(0x86);                                    // TUPLE2: stride
        p.write(0x89);                                    // NEWFALSE: requires_grad
        global(p, "collections", "OrderedDict");
        p.write(')');                                     // EMPTY_TUPLE
        p.write('R');                                     // REDUCE: backward hooks
        p.write('t');                                     // TUPLE: the arguments
        p.write('R');                                     // REDUCE: the tensor
        p.write('.');                                     // STOP
        return p.toByteArray();
    }

    /** Size of the tensor from our own pickle: the two integers of the first TUPLE2 after the element count. */
    private static int[] shapeOf(byte[] pickle) {
        int at = indexOf(pickle, "cpu".getBytes(StandardCharsets.US_ASCII));
        if (at < 0) {
            throw new IllegalArgumentException("the tensor's pickle is not one this reader knows");
        }
        int[] values = new int[4];
        int found = 0;
        int i = at + 3;
        while (i < pickle.length && found < 4) {
            int op = pickle[i] & 0xFF;
            if (op == 'J') {
                values[found++] = ByteBuffer.wrap(pickle, i + 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                i += 5;
            } else if (op == 'K') {
                values[found++] = pickle[i + 1] & 0xFF;
                i += 2;
            } else if (op == 'M') {
                values[found++] = (pickle[i + 1] & 0xFF) | (pickle[i + 2] & 0xFF) << 8;
                i += 3;
            } else {
                i++;
            }
        }
        // element count, storage offset, rows, columns
        return new int[]{values[2], values[3]};
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void global(ByteArrayOutputStream p, String module, String name) {
        p.write('c');
        p.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static void unicode(ByteArrayOutputStream p, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        p.write('X');
        p.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
        p.writeBytes(utf8);
    }

    private static void integer(ByteArrayOutputStream p, int v) {
        if (v >= 0 && v < 256) {
            p.write('K');
            p.write(v);
        } else if (v >= 0 && v < 65_536) {
            p.write('M');
            p.write(v & 0xFF);
            p.write(v >>> 8);
        } else {
            p.write('J');
            p.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        }
    }

    /** One stored entry, its data aligned to 64 bytes with padding in the local header's extra field, as PyTorch does. */
    private static void put(ZipOutputStream zip, CountingStream counting, String name, byte[] data) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        CRC32 crc = new CRC32();
        crc.update(data);
        entry.setSize(data.length);
        entry.setCompressedSize(data.length);
        entry.setCrc(crc.getValue());
        zip.flush();
        long header = counting.count + 30 + name.getBytes(StandardCharsets.UTF_8).length;
        int pad = (int) ((ALIGNMENT - (header + 4) % ALIGNMENT) % ALIGNMENT);
        byte[] extra = new byte[4 + pad];
        extra[0] = 'F';
        extra[1] = 'B';
        extra[2] = (byte) pad;
        extra[3] = (byte) (pad >>> 8);
        entry.setExtra(extra);
        zip.putNextEntry(entry);
        zip.write(data);
        zip.closeEntry();
    }

    private static final class CountingStream extends OutputStream {
        private final OutputStream out;
        long count;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
