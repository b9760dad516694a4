package dev.stylize.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The one JSON configuration every document in the bucket and every message uses. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** A Jackson call; its IOException (JsonProcessingException included) is rethrown unchecked. */
    private interface Call<T> {
        T run() throws IOException;
    }

    private Json() {
    }

    public static byte[] write(Object value) {
        return unchecked(() -> MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
    }

    public static String compact(Object value) {
        return unchecked(() -> MAPPER.writeValueAsString(value));
    }

    public static <T> T read(byte[] bytes, Class<T> type) {
        return unchecked(() -> MAPPER.readValue(bytes, type));
    }

    public static <T> T read(String text, Class<T> type) {
        return unchecked(() -> MAPPER.readValue(text, type));
    }

    private static <T> T unchecked(Call<T> call) {
        try {
            return call.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
