/**
 * VGG19's feature part as functions of its weights (float32 DJL ops, or a bfloat16 TorchScript
 * graph), and the weights: safetensors files, generated weights, downloads checked by sha256.
 * Uses {@code plan} (the layer names) and {@code tensor}.
 */
package dev.stylize.engine.model;
