/**
 * Optimisers that move the image: Adam and fixed-step L-BFGS, each with state it can save and
 * restore exactly, refusing state that does not fit the image. Uses {@code tensor} (and {@code plan}'s
 * InvalidInputException).
 */
package dev.stylize.engine.optim;
