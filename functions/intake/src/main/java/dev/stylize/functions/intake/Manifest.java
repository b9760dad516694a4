package dev.stylize.functions.intake;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.stylize.jobs.JobOptions;

import java.util.List;

/**
 * A job manifest dropped at {@code jobs/<name>.json}:
 * <pre>{@code
 * {"content": "uploads/photo.jpg",
 *  "styles": [{"name": "hockney", "weight": 0.7}, {"key": "styles/monet.png", "weight": 0.3}],
 *  "preset": "paper",
 *  "options": {"steps": 300, "maxSize": 768}}
 * }</pre>
 *
 * @param bucket optional; if given it must be this bucket (jobs never read other buckets)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Manifest(String bucket, String content, List<Style> styles, String preset, JobOptions options) {

    /** A style by library name ({@code styles/<name>.<ext>}) or by key under {@code styles/}. */
    public record Style(String name, String key, Double weight) {
    }
}
