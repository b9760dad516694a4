package dev.stylize.jobs;

import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import dev.stylize.plan.StylePlan;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The one rule for an accepted job's plan: the deployment's sizes, steps in all, and budget. */
class IntakeSettingsTest {

    @Test
    void aPresetsOwnSizeNeverExceedsADeploymentsSmallerLargestSize() {
        IntakeSettings small = IntakeSettings.of(Limits.service(256), Preset.QUALITY, PlanOptions.NONE);
        StylePlan plan = small.plan(null, PlanOptions.NONE, 1024, 768);
        assertEquals(256, plan.size(), "quality's own 512 px, capped at the deployment's 256");
        assertEquals(512, IntakeSettings.of(Limits.SERVICE, Preset.QUALITY, PlanOptions.NONE)
                .plan(null, PlanOptions.NONE, 1024, 768).size());
        InvalidInputException refused = assertThrows(InvalidInputException.class,
                () -> PlanOptions.of(PlanOptions.MAX_SIZE, 512).validate(small.limits()));
        assertEquals("maxSize must be from 32 to 256 pixels, got 512", refused.getMessage(), "a size asked outright is refused");
    }
}
