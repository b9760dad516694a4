package dev.stylize.plan;

/** The image the optimisation starts from: the photo, white noise (seeded), or the first painting. */
public enum Init {
    CONTENT, NOISE, STYLE
}
