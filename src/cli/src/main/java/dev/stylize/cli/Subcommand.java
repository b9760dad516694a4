package dev.stylize.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.util.Optional;
import java.util.concurrent.Callable;

/** A command that runs (not a group of them): picocli gives it its model, whose command line has the output streams. */
abstract class Subcommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** The endpoint given, else {@code localEndpoint} for the local stack, else none: AWS's own. */
    static Optional<URI> endpoint(URI given, boolean local, String localEndpoint) {
        return Optional.ofNullable(given != null || !local ? given : URI.create(localEndpoint));
    }
}
