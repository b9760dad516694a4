package dev.stylize.cli;

import ai.djl.ndarray.NDManager;
import dev.stylize.engine.model.SyntheticWeights;
import dev.stylize.engine.model.TorchvisionVgg19;
import dev.stylize.engine.model.WeightsException;
import dev.stylize.engine.model.WeightsSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

@Command(name = "weights", description = "Manage VGG19 weight files.",
        subcommands = {WeightsCommand.Fetch.class, WeightsCommand.Synth.class})
final class WeightsCommand {

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Downloads torchvision's ImageNet VGG19 (548 MiB), checks its sha256, converts it in Java and "
                    + "installs it in the weights cache (conv1_1 to conv5_1 as float32 safetensors, 52 MB), "
                    + "where run, local up and the worker find it. Nothing is installed unless the "
                    + "digest matches.")
    static final class Fetch extends Subcommand {
        @Option(names = "--url", paramLabel = "URL", description = "Where to download the checkpoint from "
                + "(default: torchvision's, ${DEFAULT-VALUE}).")
        URI url = TorchvisionVgg19.URL;

        @Option(names = "--sha256", paramLabel = "HEX",
                description = "The checkpoint's whole sha256 (default: the published file's, ${DEFAULT-VALUE}).")
        String sha256 = TorchvisionVgg19.SHA256;

        @Option(names = "--from", paramLabel = "FILE",
                description = "Install a checkpoint already downloaded (e.g. on a machine without internet access), "
                        + "checked the same way.")
        Path from;

        @Option(names = "--force", description = "Fetch again even when the cache holds the weights already.")
        boolean force;

        @Option(names = "--weights-cache", paramLabel = "DIR",
                defaultValue = "${env:STYLIZE_CACHE:-${sys:user.home}/.cache/stylize}",
                description = "The weights cache (default: ${DEFAULT-VALUE}).")
        Path cache;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Optional<TorchvisionVgg19.Installed> present = force ? Optional.empty() : TorchvisionVgg19.cached(cache);
            if (present.isPresent() && present.get().sourceSha256().equalsIgnoreCase(sha256)) {
                out.printf("already installed: %s, sha256 %s (%s)%n", present.get().file(), present.get().sha256(),
                        present.get().describe());
                return 0;
            }
            TorchvisionVgg19.Installed installed;
            try (NDManager manager = NDManager.newBaseManager()) {
                if (from != null) {
                    if (!Files.isRegularFile(from)) {
                        throw new WeightsException(from + " does not exist");
                    }
                    installed = TorchvisionVgg19.install(from, from.getFileName().toString(), from.toString(), sha256,
                            cache, manager);
                } else {
                    spec.commandLine().getErr().println("downloading " + url);
                    installed = TorchvisionVgg19.fetch(url, sha256, cache, Fetch::download, manager);
                }
            }
            out.printf("installed %s, sha256 %s%n  %s%n  checkpoint sha256 %s (verified)%n", installed.file(),
                    installed.sha256(), installed.describe(), installed.sourceSha256());
            out.println("run, local up and the worker now use these weights when no others are given");
            return 0;
        }

        /** GET with a progress bar on stderr. */
        private static void download(URI url, Path target) throws IOException {
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(20)).build();
            try {
                HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(url).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream body = response.body()) {
                    if (response.statusCode() != 200) {
                        throw new WeightsException("downloading " + url + " failed: HTTP " + response.statusCode());
                    }
                    long length = response.headers().firstValueAsLong("content-length").orElse(-1);
                    try (InputStream in = ProgressBars.bytes("download", body, length)) {
                        Files.copy(in, target);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WeightsException("interrupted while downloading " + url, e);
            }
        }
    }

    @Command(name = "synth", mixinStandardHelpOptions = true,
            description = "Writes seeded Kaiming-normal VGG19 weights (torchvision layout, safetensors) for tests "
                    + "and demos. Every run on them says they are generated.")
    static final class Synth extends Subcommand {
        @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
                description = "Random seed; the same seed writes the same bytes everywhere (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The .safetensors file to write.")
        Path out;

        @Override
        public Integer call() throws Exception {
            try (NDManager manager = NDManager.newBaseManager()) {
                SyntheticWeights.write(manager, seed, out);
            }
            spec.commandLine().getOut().printf("wrote generated VGG19 weights (seed %d) to %s, sha256 %s%n",
                    seed, out, WeightsSource.digest(out));
            return 0;
        }
    }
}
