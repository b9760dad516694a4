package dev.stylize.jobs;

/**
 * One style of a job: an object under {@code styles/} and its blend weight.
 */
public record StyleRef(String key, double weight) {
}
