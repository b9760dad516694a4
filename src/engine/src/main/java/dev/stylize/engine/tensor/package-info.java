/**
 * The lowest layer of the engine: RGB images to and from VGG's normalised tensors, and scalars in
 * an array's own precision. Uses DJL and nothing of the project but {@code images}.
 */
package dev.stylize.engine.tensor;
