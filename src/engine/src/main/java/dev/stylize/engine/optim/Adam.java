package dev.stylize.engine.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.stylize.engine.tensor.Scalars;
import dev.stylize.engine.tensor.TorchGraph;

/**
 * Adam (Kingma and Ba) on the image, written as torch.optim.Adam computes it (lerp for the
 * first moment, bias corrections folded into the step), so the seed preset matches the
 * notebook step for step. The update is one call of a small graph ({@code adam-step.pt}).
 */
public final class Adam implements ImageOptimizer {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final NDManager manager;
    /** One update, in place ({@code tools/engine/export_optimizers.py}). */
    private final TorchGraph update;
    private final double learningRate;
    private NDArray firstMoment;
    private NDArray secondMoment;
    private long steps;

    public Adam(NDManager manager, double learningRate) {
        this.manager = manager;
        this.update = TorchGraph.load(manager, Adam.class, "adam-step.pt");
        this.learningRate = learningRate;
    }

    @Override
    public void step(NDArray image, NDArray gradient) {
        if (firstMoment == null) {
            firstMoment = StateArrays.keep(manager, image.zerosLike());
            secondMoment = StateArrays.keep(manager, image.zerosLike());
        }
        steps++;
        double stepSize = learningRate / (1 - Math.pow(BETA1, steps));
        double correction2 = Math.sqrt(1 - Math.pow(BETA2, steps));
        double[] factors = {1 - BETA1, BETA2, 1 - BETA2, correction2, EPSILON, stepSize};
        try (NDManager arguments = TorchGraph.arguments()) {
            update.run(new NDList(TorchGraph.unnamed(image, arguments), TorchGraph.unnamed(gradient, arguments),
                    TorchGraph.unnamed(firstMoment, arguments), TorchGraph.unnamed(secondMoment, arguments),
                    Scalars.arrayLike(arguments, image, factors)), arguments);
        }
    }

    @Override
    public NDList state() {
        NDList state = new NDList();
        if (firstMoment != null) {
            state.add(StateArrays.named(firstMoment, "adam.m"));
            state.add(StateArrays.named(secondMoment, "adam.v"));
        }
        state.add(StateArrays.named(manager.create(new long[] {steps}), "adam.steps"));
        return state;
    }

    @Override
    public void restore(NDList state, long imageSize) {
        NDArray stepsArray = state.get("adam.steps");
        if (stepsArray == null || stepsArray.size() != 1) {
            throw new DamagedCheckpointException("the checkpoint has no Adam step count");
        }
        steps = (long) StateArrays.requireNumber("Adam step count", stepsArray.getLong(), 0, Long.MAX_VALUE);
        if (state.get("adam.m") != null) {
            firstMoment = StateArrays.restore(manager, state, "adam.m", imageSize);
            secondMoment = StateArrays.restore(manager, state, "adam.v", imageSize);
        }
    }
}
