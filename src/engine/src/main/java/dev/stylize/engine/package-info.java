/**
 * The style engine: {@link dev.stylize.engine.StyleRun} runs a {@code plan.StylePlan} step by
 * step across its scales, with snapshots to resume from, each scale within a memory budget
 * ({@link dev.stylize.engine.MemoryEstimate}: untiled, or in exact tiles). Pure Java and DJL: no AWS, no Quarkus.
 * Subpackages: {@code loss} (the objective), {@code model} (VGG19 and its weights), {@code optim}
 * (Adam, L-BFGS), {@code tiling} (tiles with halos for exact tiled evaluation), {@code tensor} (images and scalars as arrays).
 */
package dev.stylize.engine;
