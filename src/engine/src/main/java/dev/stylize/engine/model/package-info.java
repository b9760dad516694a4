/**
 * VGG19's feature part, run by one small TorchScript graph in float32 or bfloat16 (forward, and
 * the backward pass of given activation gradients), and its weights: safetensors files, generated weights, downloads checked by sha256.
 * Uses {@code plan} (the layer names) and {@code tensor}.
 */
package dev.stylize.engine.model;
