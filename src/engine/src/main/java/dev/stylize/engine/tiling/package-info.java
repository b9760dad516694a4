/**
 * Exact tiled evaluation's geometry: tiles whose own pixels partition the image, each run as a crop
 * with a halo as wide as the deepest layer's receptive field, aligned to VGG's pooling grid, and a
 * forward pass over them one at a time. Uses {@code model} and {@code plan}.
 */
package dev.stylize.engine.tiling;
