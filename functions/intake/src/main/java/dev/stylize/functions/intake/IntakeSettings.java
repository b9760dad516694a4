package dev.stylize.functions.intake;

import dev.stylize.jobs.JobOptions;

/**
 * What the intake accepts and what an inbox upload gets when it says nothing.
 *
 * @param maxUploadBytes  larger photos are rejected from the event's size, never downloaded
 * @param maxPixels       larger declared dimensions are rejected from the header
 * @param defaultPreset   preset of inbox jobs and of manifests that name none
 * @param defaultOptions  options of inbox jobs; a manifest's options override them
 */
public record IntakeSettings(long maxUploadBytes, long maxPixels, String defaultPreset, JobOptions defaultOptions) {
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 50L * 1024 * 1024;
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    public static final int MAX_MANIFEST_BYTES = 64 * 1024;
    public static final int MAX_STYLES = 4;
}
