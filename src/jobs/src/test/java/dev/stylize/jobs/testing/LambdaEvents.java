package dev.stylize.jobs.testing;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** The files in test-events/, read into Lambda's event types the way Lambda's Java runtime reads them. */
public final class LambdaEvents {
    public static final Path DIRECTORY = Path.of(System.getProperty("stylize.testEvents", "../../test-events"));

    private LambdaEvents() {
    }

    public static String read(String file) {
        try {
            return Files.readString(DIRECTORY.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A new upload of {@code size} bytes at {@code key} in {@code bucket}, as S3 notifies it
     * (s3-inbox-put.json with a fresh sequencer: each call is a new upload).
     */
    public static S3Event s3Upload(String bucket, String key, long size) {
        return s3(read("s3-inbox-put.json")
                .replace("stylize-local", bucket)
                .replace("inbox/swirls/my+harbour.png", URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/"))
                .replace("\"size\": 9619", "\"size\": " + size)
                .replace("0A1B2C3D4E5F678901", UUID.randomUUID().toString()));
    }

    public static S3Event s3(String json) {
        return LambdaEventSerializers.serializerFor(S3Event.class, LambdaEvents.class.getClassLoader()).fromJson(json);
    }

    public static SQSEvent sqs(String json) {
        return LambdaEventSerializers.serializerFor(SQSEvent.class, LambdaEvents.class.getClassLoader()).fromJson(json);
    }
}
