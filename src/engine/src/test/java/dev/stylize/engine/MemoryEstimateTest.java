package dev.stylize.engine;

import dev.stylize.engine.model.Precision;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import dev.stylize.plan.StylePlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryEstimateTest {
    private static final IntFunction<StylePlan> QUALITY_3000x2000 =
            size -> Preset.QUALITY.plan(3000, 2000, PlanOptions.of(PlanOptions.MAX_SIZE, size));

    @Test
    void aPlanThatDoesNotFitIsRefusedNamingTheLargestSizeThatDoes() {
        MemoryEstimate.Profile cpu = MemoryEstimate.profile(false, Precision.FP32);
        long eightGiB = 8L << 30;
        StylePlan big = QUALITY_3000x2000.apply(3000);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> cpu.require(big, QUALITY_3000x2000, 3000, 2000, eightGiB));
        Matcher m = Pattern.compile("a 3000 px result needs about [0-9.]+ GiB \\(cpu fp32 \\(measured\\)\\) but only 8.0 GiB "
                + "is free; the largest that fits is about (\\d+) px on its longest side \\(--max-size\\)").matcher(e.getMessage());
        assertTrue(m.matches(), e.getMessage());
        int largest = Integer.parseInt(m.group(1));
        assertDoesNotThrow(() -> cpu.require(QUALITY_3000x2000.apply(largest), QUALITY_3000x2000, 3000, 2000, eightGiB));
        assertThrows(InvalidInputException.class,
                () -> cpu.require(QUALITY_3000x2000.apply(largest + 1), QUALITY_3000x2000, 3000, 2000, eightGiB));
    }

    @Test
    void theCostliestScaleCountsNotTheSumOfScales() {
        MemoryEstimate.Profile cpu = MemoryEstimate.profile(false, Precision.FP32);
        StylePlan pyramid = QUALITY_3000x2000.apply(1024);  // 128, 256, 512, 1024 px: 25, 20, 20, 20 L-BFGS steps
        assertEquals(4, pyramid.schedule().size());
        long top = MemoryEstimate.pixels(1024, 3000, 2000);
        assertEquals(1024L * 683, top, "the photo at 1024 px on its longest side");
        assertEquals(cpu.bytesPerPixel() * top + (2 * 20 + 2) * 12L * top, cpu.jobBytes(pyramid, 3000, 2000));
    }

    @Test
    void bf16NeedsLessThanFp32AndGpuConstantsAreMarkedAsEstimates() {
        assertTrue(MemoryEstimate.profile(false, Precision.BF16).bytesPerPixel()
                < MemoryEstimate.profile(false, Precision.FP32).bytesPerPixel());
        assertTrue(MemoryEstimate.profile(false, Precision.FP32).measured());
        assertFalse(MemoryEstimate.profile(true, Precision.BF16).measured());
        assertEquals("gpu bf16 (estimate)", MemoryEstimate.profile(true, Precision.BF16).label());
    }

    @Test
    void aContainersMemoryLimitCapsWhatIsAvailable(@TempDir Path cgroup) throws IOException {
        Files.writeString(cgroup.resolve("memory.max"), "4294967296\n");
        Files.writeString(cgroup.resolve("memory.current"), "3221225472\n");
        Files.writeString(cgroup.resolve("memory.stat"), "anon 2147483648\ninactive_file 536870912\nactive_file 1\n");
        assertEquals((1L << 30) + (512L << 20), MemoryEstimate.cgroupHeadroom(cgroup), "limit - used + reclaimable cache");
        Files.writeString(cgroup.resolve("memory.max"), "max\n");
        assertEquals(Long.MAX_VALUE, MemoryEstimate.cgroupHeadroom(cgroup));
        assertEquals(Long.MAX_VALUE, MemoryEstimate.cgroupHeadroom(cgroup.resolve("absent")));
    }
}
