package dev.stylize.cli;

import ai.djl.ndarray.NDManager;
import dev.stylize.engine.model.Vgg19Weights;
import dev.stylize.engine.model.WeightsException;
import dev.stylize.engine.model.WeightsSource;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Where the VGG19 weights come from; shared by every command that runs the network. */
final class WeightsOptions {
    @Option(names = "--weights", paramLabel = "FILE|URL", defaultValue = "${env:STYLIZE_WEIGHTS}",
            description = "VGG19 weights in safetensors with torchvision's key names: a file, or an https URL "
                    + "downloaded once into the cache (default: $STYLIZE_WEIGHTS). See README, 'Weights'.")
    String location;

    @Option(names = "--weights-sha256", paramLabel = "HEX", defaultValue = "${env:STYLIZE_WEIGHTS_SHA256}",
            description = "Expected sha256 of the weights; required for URLs.")
    String sha256;

    @Option(names = "--weights-cache", paramLabel = "DIR",
            defaultValue = "${env:STYLIZE_CACHE:-${sys:user.home}/.cache/stylize}",
            description = "Where downloaded weights are kept (default: ${DEFAULT-VALUE}).")
    Path cache;

    /** Loads the weights and says on {@code err} where they came from, loudly if generated. */
    Vgg19Weights load(NDManager manager, PrintWriter err) {
        if (location == null || location.isBlank()) {
            throw new WeightsException("no VGG19 weights given: pass --weights FILE|URL or set STYLIZE_WEIGHTS "
                    + "(README, 'Weights'); for a trial run, generate some with "
                    + "'bin/stylize weights synth --seed 1 --out vgg19-synthetic.safetensors'");
        }
        Path file = new WeightsSource(location, sha256).resolve(cache);
        try {
            Vgg19Weights weights = Vgg19Weights.load(manager, file);
            if (weights.synthetic()) {
                err.println("weights: GENERATED (seeded random, not ImageNet) from " + file
                        + ": the result shows the pipeline working, not a real painting style");
            } else {
                err.println("weights: " + file);
            }
            return weights;
        } catch (IOException e) {
            throw new WeightsException("cannot read weights " + file + ": " + e.getMessage(), e);
        }
    }
}
