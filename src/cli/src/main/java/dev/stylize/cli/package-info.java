/**
 * {@code bin/stylize}: the picocli commands (run, bench, weights, local, submit, console) and the one
 * place that maps failures to exit codes. May use every other module.
 */
package dev.stylize.cli;
