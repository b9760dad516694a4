/**
 * The objective: Gram matrices, content, style and total-variation terms as pure functions of
 * feature maps, and {@link dev.stylize.engine.loss.StyleObjective}, which compares an image's
 * features to the photo's and the paintings' and gives the loss's gradient, whole or in exact tiles.
 * Uses {@code model}, {@code tiling}, {@code tensor} and {@code plan}.
 */
package dev.stylize.engine.loss;
