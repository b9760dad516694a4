package dev.stylize.functions.intake;

import dev.stylize.jobs.testing.Examples;
import dev.stylize.jobs.testing.MotoServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Starts the emulator before Quarkus boots and points the function's configuration at it. */
public class EmulatorResource implements QuarkusTestResourceLifecycleManager {
    static MotoServer moto;
    static String queueUrl;

    @Override
    public Map<String, String> start() {
        moto = MotoServer.start();
        var s3 = moto.clients().s3();
        s3.createBucket(b -> b.bucket("stylize-local"));
        s3.putObject(b -> b.bucket("stylize-local").key("styles/swirls.png"), Examples.STYLE);
        s3.putObject(b -> b.bucket("stylize-local").key("inbox/swirls/my harbour.png"), Examples.PHOTO);
        queueUrl = moto.clients().sqs().createQueue(b -> b.queueName("stylize-jobs")).queueUrl();
        return Map.of(
                "stylize.bucket", "stylize-local",
                "stylize.job-queue-url", queueUrl,
                "stylize.upload-deadline-queue-url", queueUrl,
                "stylize.aws-endpoint", moto.endpoint().toString(),
                "stylize.defaults.steps", "8");
    }

    @Override
    public void stop() {
        moto.close();
    }
}
