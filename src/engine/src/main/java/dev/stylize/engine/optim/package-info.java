/**
 * Optimisers that move the image: Adam and fixed-step L-BFGS, each with state it can save and
 * restore exactly, refusing state that does not fit the image ({@link
 * dev.stylize.engine.optim.DamagedCheckpointException}). Uses {@code tensor}.
 */
package dev.stylize.engine.optim;
