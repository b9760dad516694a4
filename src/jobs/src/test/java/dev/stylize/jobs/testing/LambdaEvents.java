package dev.stylize.jobs.testing;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    public static S3Event s3(String json) {
        return LambdaEventSerializers.serializerFor(S3Event.class, LambdaEvents.class.getClassLoader()).fromJson(json);
    }

    public static SQSEvent sqs(String json) {
        return LambdaEventSerializers.serializerFor(SQSEvent.class, LambdaEvents.class.getClassLoader()).fromJson(json);
    }
}
