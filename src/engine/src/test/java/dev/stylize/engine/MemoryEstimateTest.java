package dev.stylize.engine;

import ai.djl.Device;
import dev.stylize.engine.model.Precision;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.OptimizerKind;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import dev.stylize.plan.Scale;
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
    private static final MemoryEstimate.Profile CPU = MemoryEstimate.profile(Device.cpu(), Precision.FP32);

    @Test
    void aSizeThatDoesNotFitEvenInTilesIsRefusedNamingTheLargestThatDoes() {
        MemoryBudget fourGiB = new MemoryBudget(4L << 30, 0);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> CPU.plan(8192, 6144, OptimizerKind.LBFGS, 20, fourGiB));
        Matcher m = Pattern.compile("a 8192x6144 result needs about [0-9.]+ GiB even in tiles of 128 px, but only "
                + "4.0 GiB is usable; the largest that fits is about (\\d+) px on its longest side").matcher(e.getMessage());
        assertTrue(m.matches(), e.getMessage());
        int largest = Integer.parseInt(m.group(1));
        int other = (int) Math.round(largest * 0.75);
        assertDoesNotThrow(() -> CPU.plan(largest, other, OptimizerKind.LBFGS, 20, fourGiB));
        assertThrows(InvalidInputException.class, () -> CPU.plan(largest + 1, (int) Math.round((largest + 1) * 0.75),
                OptimizerKind.LBFGS, 20, fourGiB));
    }

    @Test
    void stepsRunUntiledWhereTheyFitInTilesWhereNotAndTheHistoryGivesWayLast() {
        MemoryBudget twentyGiB = new MemoryBudget(20L << 30, 0);
        MemoryBudget fortyGiB = new MemoryBudget(40L << 30, 0);
        MemoryPlan small = CPU.plan(1024, 768, OptimizerKind.LBFGS, 20, twentyGiB);
        assertFalse(small.tiled());
        assertEquals(20, small.lbfgsHistory(), "one pair per step");
        MemoryPlan print = CPU.plan(7680, 4320, OptimizerKind.LBFGS, 20, twentyGiB);
        assertTrue(print.tiled(), print.summary());
        assertTrue(print.lbfgsHistory() >= 5 && print.bytes() <= twentyGiB.bytes(), "8K in 20 GiB: " + print.summary());
        MemoryPlan roomier = CPU.plan(7680, 4320, OptimizerKind.LBFGS, 20, fortyGiB);
        assertTrue(roomier.lbfgsHistory() > print.lbfgsHistory(), "more memory keeps more history first: " + roomier.summary());
        MemoryPlan adam = CPU.plan(7680, 4320, OptimizerKind.ADAM, 20, twentyGiB);
        assertTrue(adam.tileSize() >= print.tileSize(), "without history the tiles can only be larger");
        MemoryPlan forced = CPU.plan(1024, 768, OptimizerKind.LBFGS, 20, twentyGiB.withTileSize(256));
        assertEquals(256, forced.tileSize());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> twentyGiB.withTileSize(100));
        assertEquals("tile size must be a multiple of 16 from 128 up, got 100", e.getMessage());
    }

    @Test
    void aPlanThatDoesNotFitEvenInTilesIsRefusedNamingTheLargestSizeThatDoes() {
        long twoGiB = 2L << 30;
        StylePlan big = QUALITY_3000x2000.apply(3000);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> CPU.require(big, QUALITY_3000x2000, 3000, 2000, twoGiB));
        Matcher m = Pattern.compile("a 3000 px result needs about [0-9.]+ GiB even in tiles \\(cpu fp32 \\(measured\\)\\) "
                + "but only 2.0 GiB is usable; the largest that fits is about (\\d+) px on its longest side \\(--max-size\\)")
                .matcher(e.getMessage());
        assertTrue(m.matches(), e.getMessage());
        int largest = Integer.parseInt(m.group(1));
        assertDoesNotThrow(() -> CPU.require(QUALITY_3000x2000.apply(largest), QUALITY_3000x2000, 3000, 2000, twoGiB));
        assertThrows(InvalidInputException.class,
                () -> CPU.require(QUALITY_3000x2000.apply(largest + 1), QUALITY_3000x2000, 3000, 2000, twoGiB));
    }

    @Test
    void aJobThatFitsOnlyInTilesFitsAndEveryScaleHasAPlanWithinTheSameBudget() {
        long fortyGiB = 40L << 30;
        IntFunction<StylePlan> print = size -> Preset.QUALITY.plan(7680, 4320, PlanOptions.of(PlanOptions.MAX_SIZE, size));
        StylePlan plan = print.apply(7680);
        long available = fortyGiB - CPU.fixedBytes();
        assertTrue(CPU.bytesFor(7680, 4320) > fortyGiB, "the untiled step does not fit");
        assertTrue(CPU.fits(plan, 7680, 4320, available));
        assertDoesNotThrow(() -> CPU.require(plan, print, 7680, 4320, fortyGiB));
        MemoryBudget budget = new MemoryBudget(fortyGiB, 0);
        for (Scale scale : plan.schedule()) { // what the run will plan, scale by scale
            int[] sized = MemoryEstimate.sized(scale.size(), 7680, 4320);
            MemoryPlan memory = CPU.plan(sized[0], sized[1], plan.optimizer(), scale.steps(), budget);
            assertTrue(memory.bytes() - CPU.fixedBytes() <= CPU.jobBytes(plan, 7680, 4320, available), memory.summary());
        }
        assertTrue(CPU.plan(7680, 4320, plan.optimizer(), plan.schedule().get(plan.schedule().size() - 1).steps(), budget)
                .tiled());
    }

    @Test
    void theCostliestScaleCountsNotTheSumOfScales() {
        StylePlan pyramid = QUALITY_3000x2000.apply(1024);  // 128, 256, 512, 1024 px: 25, 20, 20, 20 L-BFGS steps
        assertEquals(4, pyramid.schedule().size());
        int[] sized = MemoryEstimate.sized(1024, 3000, 2000);
        long top = (long) sized[0] * sized[1];
        assertEquals(1024L * 683, top, "the photo at 1024 px on its longest side");
        long untiled = (MemoryEstimate.IMAGE_BYTES_PER_PIXEL + MemoryEstimate.OPTIMIZER_BYTES_PER_PIXEL
                + CPU.bytesPerPixel()) * top;
        assertEquals(untiled + 20 * MemoryEstimate.PAIR_BYTES_PER_PIXEL * top,
                CPU.jobBytes(pyramid, 3000, 2000, Long.MAX_VALUE), "untiled, one L-BFGS pair per step");
    }

    @Test
    void bf16NeedsLessThanFp32AndGpuConstantsAreMarkedAsEstimates() {
        assertTrue(MemoryEstimate.profile(Device.cpu(), Precision.BF16).bytesPerPixel()
                < MemoryEstimate.profile(Device.cpu(), Precision.FP32).bytesPerPixel());
        assertTrue(MemoryEstimate.profile(Device.cpu(), Precision.FP32).measured());
        assertFalse(MemoryEstimate.profile(Device.gpu(), Precision.BF16).measured());
        assertEquals("gpu bf16 (estimate)", MemoryEstimate.profile(Device.gpu(), Precision.BF16).label());
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
