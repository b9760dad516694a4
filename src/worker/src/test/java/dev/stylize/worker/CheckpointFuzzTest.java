package dev.stylize.worker;

import ai.djl.ndarray.NDManager;
import dev.stylize.engine.MemoryBudget;
import dev.stylize.engine.StyleInputs;
import dev.stylize.engine.StyleRun;
import dev.stylize.engine.TestWeights;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.engine.tensor.TensorImages;
import dev.stylize.jobs.testing.FuzzChecks;
import dev.stylize.engine.optim.DamagedCheckpointException;
import dev.stylize.plan.OptimizerKind;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Pooling;
import dev.stylize.plan.Preset;
import dev.stylize.plan.StylePlan;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.awt.image.BufferedImage;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Named.named;

/**
 * The checkpoint reader under any bytes: a run resumed at the step the bytes hold, or a refusal
 * in words (which makes the worker skip the checkpoint), within memory in proportion to the bytes.
 * A tiny plan keeps each run fast.
 */
class CheckpointFuzzTest {
    private static final NDManager MANAGER = NDManager.newBaseManager();
    private static final StyleInputs INPUTS = new StyleInputs(image(1), image(2));
    private static final Vgg19Features VGG = TestWeights.vgg(Pooling.MAX);
    private static final StylePlan LBFGS = plan(OptimizerKind.LBFGS);
    private static final StylePlan ADAM = plan(OptimizerKind.ADAM);
    /** Decoding copies the bytes a few times into arrays; the objective's targets live off the heap. */
    private static final long BYTES_PER_INPUT_BYTE = 16;
    private static final long FIXED = 32L << 20;

    static Stream<Arguments> snapshots() {
        return Stream.of(Arguments.of(named("lbfgs-step-2", snapshot(LBFGS))), Arguments.of(named("adam-step-2", snapshot(ADAM))));
    }

    @MethodSource("snapshots")
    @FuzzTest(maxDuration = "30s")
    void resumesOrSaysWhy(byte[] snapshot) {
        for (StylePlan plan : new StylePlan[] {LBFGS, ADAM}) {
            FuzzChecks.requireAllocationAtMost(BYTES_PER_INPUT_BYTE * snapshot.length + FIXED, () -> {
                try (NDManager scope = MANAGER.newSubManager();
                     StyleRun run = StyleRun.resume(VGG, INPUTS, plan, scope, StyleRun.Listener.NONE, snapshot,
                             MemoryBudget.ofAvailableMemory())) {
                    FuzzChecks.require(run.stepsDone() >= 0 && run.stepsDone() <= plan.totalSteps(), "a step of the plan");
                } catch (DamagedCheckpointException refused) {
                    FuzzChecks.requireProductWords(refused, snapshot);
                }
            }, "resuming from " + snapshot.length + " bytes");
        }
    }

    private static StylePlan plan(OptimizerKind optimizer) {
        return Preset.SEED.plan(24, 20, PlanOptions.of(PlanOptions.STEPS, 4).with(PlanOptions.OPTIMIZER, optimizer));
    }

    private static byte[] snapshot(StylePlan plan) {
        try (NDManager scope = MANAGER.newSubManager();
             StyleRun run = StyleRun.start(VGG, INPUTS, plan, scope, StyleRun.Listener.NONE, MemoryBudget.ofAvailableMemory())) {
            run.step();
            run.step();
            return run.snapshot();
        }
    }

    private static BufferedImage image(long seed) {
        try (NDManager scope = NDManager.newBaseManager()) {
            return TensorImages.toImage(TensorImages.noise(scope, 24, 20, seed));
        }
    }
}
