package dev.stylize.engine;

import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.OptimizerKind;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryEstimateTest {

    @Test
    void aSizeThatDoesNotFitEvenInTilesIsRefusedNamingTheLargestThatDoes() {
        MemoryBudget fourGiB = new MemoryBudget(4L << 30, 0);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> MemoryEstimate.plan(8192, 6144, OptimizerKind.LBFGS, 20, fourGiB));
        Matcher m = Pattern.compile("a 8192x6144 result needs about [0-9.]+ GiB even in tiles of 128 px, but only "
                + "4.0 GiB is usable; the largest that fits is about (\\d+) px on its longest side").matcher(e.getMessage());
        assertTrue(m.matches(), e.getMessage());
        int largest = Integer.parseInt(m.group(1));
        int other = (int) Math.round(largest * 0.75);
        assertDoesNotThrow(() -> MemoryEstimate.plan(largest, other, OptimizerKind.LBFGS, 20, fourGiB));
        assertThrows(InvalidInputException.class, () -> MemoryEstimate.plan(largest + 1, (int) Math.round((largest + 1) * 0.75),
                OptimizerKind.LBFGS, 20, fourGiB));
    }

    @Test
    void stepsRunUntiledWhereTheyFitInTilesWhereNotAndTheHistoryGivesWayLast() {
        MemoryBudget twentyGiB = new MemoryBudget(20L << 30, 0);
        MemoryBudget fortyGiB = new MemoryBudget(40L << 30, 0);
        MemoryPlan small = MemoryEstimate.plan(1024, 768, OptimizerKind.LBFGS, 20, twentyGiB);
        assertFalse(small.tiled());
        assertEquals(20, small.lbfgsHistory(), "one pair per step");
        MemoryPlan print = MemoryEstimate.plan(7680, 4320, OptimizerKind.LBFGS, 20, fortyGiB);
        assertTrue(print.tiled(), print.summary());
        assertTrue(print.lbfgsHistory() >= 5 && print.bytes() <= fortyGiB.bytes(), print.summary());
        MemoryPlan adam = MemoryEstimate.plan(7680, 4320, OptimizerKind.ADAM, 20, fortyGiB);
        assertTrue(adam.tileSize() >= print.tileSize(), "without history the tiles can only be larger");
        MemoryPlan forced = MemoryEstimate.plan(1024, 768, OptimizerKind.LBFGS, 20, twentyGiB.withTileSize(256));
        assertEquals(256, forced.tileSize());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> twentyGiB.withTileSize(100));
        assertEquals("tile size must be a multiple of 16 from 128 up, got 100", e.getMessage());
    }
}
