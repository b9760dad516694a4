package dev.stylize.plan;

/** VGG's 2x2 pools: max as trained, or average as the paper prefers for synthesis. */
public enum Pooling {
    MAX, AVG
}
