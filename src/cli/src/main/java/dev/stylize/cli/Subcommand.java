package dev.stylize.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** A command that runs (not a group of them): picocli gives it its model, whose command line has the output streams. */
abstract class Subcommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
}
