package dev.stylize.engine;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.stylize.engine.optim.DamagedCheckpointException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Checks that a snapshot's safetensors layout fits in its own bytes before DJL decodes it.
 * DJL's decoder allocates what the header declares (its length, each tensor's range), so a
 * few damaged bytes could ask for gigabytes; checked here, decoding allocates at most about
 * the snapshot's size.
 */
final class SnapshotLayout {
    /** A run's snapshot names a few dozen arrays; its header is a few kilobytes. */
    static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final Map<String, Integer> DTYPE_BYTES = Map.of(
            "F64", 8, "F32", 4, "F16", 2, "BF16", 2, "I64", 8, "I32", 4, "I16", 2, "I8", 1, "U8", 1, "BOOL", 1);

    private SnapshotLayout() {
    }

    static void requireFitting(byte[] snapshot) {
        if (snapshot.length < 8) {
            throw refused("it is " + snapshot.length + " bytes long");
        }
        long headerBytes = ByteBuffer.wrap(snapshot, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerBytes < 2 || headerBytes > Math.min(MAX_HEADER_BYTES, snapshot.length - 8L)) {
            throw refused("its header declares " + headerBytes + " bytes");
        }
        long dataBytes = snapshot.length - 8L - headerBytes;
        JsonObject header;
        try {
            JsonElement parsed = JsonParser.parseString(new String(snapshot, 8, (int) headerBytes, StandardCharsets.UTF_8));
            if (!parsed.isJsonObject()) {
                throw refused("its header is not a table of arrays");
            }
            header = parsed.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException | StackOverflowError e) {
            throw refused("its header is not JSON");
        }
        for (Map.Entry<String, JsonElement> entry : header.entrySet()) {
            if (!entry.getKey().equals("__metadata__")) {
                requireFitting(entry.getKey(), entry.getValue(), dataBytes);
            }
        }
    }

    private static void requireFitting(String name, JsonElement element, long dataBytes) {
        try {
            JsonObject tensor = element.getAsJsonObject();
            Integer width = DTYPE_BYTES.get(tensor.get("dtype").getAsString());
            if (width == null) {
                throw refused("array " + quoted(name) + " has an unknown type");
            }
            long elements = 1;
            for (JsonElement dimension : tensor.getAsJsonArray("shape")) {
                long size = dimension.getAsLong();
                if (size < 0) {
                    throw refused("array " + quoted(name) + " has a negative dimension");
                }
                elements = Math.multiplyExact(elements, size);
            }
            long begin = tensor.getAsJsonArray("data_offsets").get(0).getAsLong();
            long end = tensor.getAsJsonArray("data_offsets").get(1).getAsLong();
            if (begin < 0 || end < begin || end > dataBytes || end - begin != Math.multiplyExact(elements, width)) {
                throw refused("array " + quoted(name) + " does not fit in its bytes");
            }
        } catch (DamagedCheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            throw refused("array " + quoted(name) + " is not described as an array");
        }
    }

    private static String quoted(String name) {
        return "'" + (name.length() > 40 ? name.substring(0, 40) + "…" : name).replace("'", "") + "'";
    }

    private static DamagedCheckpointException refused(String why) {
        return new DamagedCheckpointException("the checkpoint cannot be read: " + why);
    }
}
