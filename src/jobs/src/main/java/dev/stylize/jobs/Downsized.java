package dev.stylize.jobs;

/**
 * A job the worker ran smaller than asked, because the asked size would not fit its device's
 * memory and the deployment lets it downsize (STYLIZE_DOWNSIZE_TO_FIT).
 *
 * @param from   the result's longest side as asked, in pixels
 * @param to     the longest side it was run at
 * @param reason the memory arithmetic, for people
 */
public record Downsized(int from, int to, String reason) {
}
