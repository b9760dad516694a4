/**
 * Optimisers that move the image: Adam and fixed-step L-BFGS, each with state it can save and
 * restore exactly. Uses {@code tensor} only.
 */
package dev.stylize.engine.optim;
