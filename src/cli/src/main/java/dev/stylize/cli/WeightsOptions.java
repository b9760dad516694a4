package dev.stylize.cli;

import ai.djl.ndarray.NDManager;
import dev.stylize.engine.model.TorchvisionVgg19;
import dev.stylize.engine.model.Vgg19Weights;
import dev.stylize.engine.model.WeightsException;
import dev.stylize.engine.model.WeightsSource;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/** Where the VGG19 weights come from; shared by every command that runs the network. */
final class WeightsOptions {
    @Option(names = "--weights", paramLabel = "FILE|URL", defaultValue = "${env:STYLIZE_WEIGHTS}",
            description = "VGG19 weights in safetensors with torchvision's key names: a file, or an https URL "
                    + "downloaded once into the cache (default: $STYLIZE_WEIGHTS, else the ImageNet weights "
                    + "'weights fetch' installed in the cache). See README, 'Weights'.")
    String location;

    @Option(names = "--weights-sha256", paramLabel = "HEX", defaultValue = "${env:STYLIZE_WEIGHTS_SHA256}",
            description = "Expected sha256 of the weights; required for URLs.")
    String sha256;

    @Option(names = "--weights-cache", paramLabel = "DIR",
            defaultValue = "${env:STYLIZE_CACHE:-${sys:user.home}/.cache/stylize}",
            description = "Where downloaded and fetched weights are kept (default: ${DEFAULT-VALUE}).")
    Path cache;

    /** The weights file to use and what it is, for the line every command prints. */
    record Resolved(Path file, String description) {
    }

    boolean given() {
        return location != null && !location.isBlank();
    }

    /** The given location, else the fetched ImageNet weights in the cache. */
    Resolved resolve() {
        if (given()) {
            return new Resolved(new WeightsSource(location, sha256).resolve(cache), null);
        }
        Optional<TorchvisionVgg19.Installed> fetched = TorchvisionVgg19.cached(cache);
        if (fetched.isEmpty()) {
            throw new WeightsException("no VGG19 weights given and none fetched into " + cache + ": run "
                    + "'bin/stylize weights fetch' once (torchvision's ImageNet VGG19, a 548 MiB download), or pass "
                    + "--weights FILE|URL or set STYLIZE_WEIGHTS (README, 'Weights'); for a trial run without a "
                    + "download, generate some with 'bin/stylize weights synth --seed 1 --out vgg19-synthetic.safetensors'");
        }
        return new Resolved(fetched.get().file(), fetched.get().describe());
    }

    /** Loads the weights and says on {@code err} which they are, loudly if generated. */
    Vgg19Weights load(NDManager manager, PrintWriter err) {
        Resolved resolved = resolve();
        try {
            Vgg19Weights weights = Vgg19Weights.load(manager, resolved.file());
            err.println(describe(weights, resolved));
            return weights;
        } catch (IOException e) {
            throw new WeightsException("cannot read weights " + resolved.file() + ": " + e.getMessage(), e);
        }
    }

    static String describe(Vgg19Weights weights, Resolved resolved) {
        if (weights.synthetic()) {
            return "weights: GENERATED (seeded random, not ImageNet) from " + resolved.file()
                    + ": the result shows the pipeline working, not a real painting style";
        }
        return "weights: " + (resolved.description() != null ? resolved.description() : "real (not generated)")
                + " from " + resolved.file();
    }
}
