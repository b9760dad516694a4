package dev.stylize.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.jobs.Json;
import dev.stylize.local.template.ServerlessOnly;
import dev.stylize.local.template.Template;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real template's serverless part deployed into LocalStack 4.14 (functions included: its
 * Lambda runs them in Docker containers from the same function.zip), with LocalStack's own
 * tooling: {@code samlocal deploy} of a generated copy of template.yaml without the GPU worker
 * (LocalStack's community edition has no ECS, EC2 launch templates or Auto Scaling). The worker
 * then runs as a local process against the stack's outputs.
 */
public final class LocalStackDeployment {
    private final LocalProcesses processes;
    private final Path generated;
    private final String stackName;
    private final String bucket;
    private final String region;

    public LocalStackDeployment(LocalProcesses processes, Path stateDir, String stackName, String bucket, String region) {
        this.processes = processes;
        this.generated = stateDir.resolve("localstack/template.yaml").toAbsolutePath().normalize();
        this.stackName = stackName;
        this.bucket = bucket;
        this.region = region;
    }

    /** Writes the serverless-only copy of {@code template}; returns its path. */
    public Path generate(Template template) {
        ServerlessOnly.of(template).write(generated);
        return generated;
    }

    public List<String> outputsCommand() {
        return List.of("samlocal", "list", "stack-outputs", "--stack-name", stackName, "--region", region, "--output", "json");
    }

    /** Every command, in order, as {@code up} runs them. */
    public List<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        all.add(processes.composeUp());
        if (LocalProcesses.onPath("samlocal").isEmpty()) {
            // samlocal: a wrapper that points the SAM CLI at LocalStack
            all.add(List.of("python3", "-m", "pip", "install", "--user", "--quiet", "aws-sam-cli", "aws-sam-cli-local"));
        }
        all.add(List.of("samlocal", "deploy", "--template-file", generated.toString(), "--stack-name", stackName,
                "--region", region, "--resolve-s3", "--capabilities", "CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND",
                "--no-confirm-changeset", "--no-fail-on-empty-changeset", "--parameter-overrides", "BucketName=" + bucket));
        all.add(outputsCommand());
        return all;
    }

    /** Runs them (Docker needed) and returns the stack's outputs. */
    public Map<String, String> run(PrintWriter out) throws IOException, InterruptedException {
        for (List<String> command : commands().subList(0, commands().size() - 1)) {
            out.println("$ " + String.join(" ", command));
            out.flush();
            LocalProcesses.run(command);
        }
        Process p = new ProcessBuilder(outputsCommand()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", outputsCommand()) + " failed");
        }
        return outputs(json);
    }

    /** {@code sam list stack-outputs --output json}: [{"OutputKey": …, "OutputValue": …}, …]. */
    static Map<String, String> outputs(String json) {
        Map<String, String> outputs = new LinkedHashMap<>();
        for (JsonNode o : Json.read(json, JsonNode.class)) {
            outputs.put(o.path("OutputKey").asText(), o.path("OutputValue").asText());
        }
        return outputs;
    }
}
