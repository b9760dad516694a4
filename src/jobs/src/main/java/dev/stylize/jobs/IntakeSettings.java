package dev.stylize.jobs;

import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;

/**
 * What the intake accepts and what an inbox upload gets when it says nothing.
 *
 * @param maxUploadBytes  larger photos are rejected from the event's size, never downloaded
 * @param maxPixels       larger declared dimensions are rejected from the header
 * @param defaultPreset   preset of inbox jobs and of manifests that name none
 * @param defaultOptions  options of inbox jobs; a manifest's options override them one by one
 */
public record IntakeSettings(long maxUploadBytes, long maxPixels, Preset defaultPreset, PlanOptions defaultOptions) {
    /** 50 MB: a large camera JPEG or a 16-bit TIFF of a phone photo. */
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 50L * 1024 * 1024;
}
