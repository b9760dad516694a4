package dev.stylize.engine.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.stylize.engine.tensor.Scalars;

/**
 * Adam (Kingma and Ba) on the image, written as torch.optim.Adam computes it (lerp for the
 * first moment, bias corrections folded into the step), so the seed preset matches the
 * notebook step for step.
 */
public final class Adam implements ImageOptimizer {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final NDManager manager;
    private final double learningRate;
    private NDArray firstMoment;
    private NDArray secondMoment;
    private long steps;

    public Adam(NDManager manager, double learningRate) {
        this.manager = manager;
        this.learningRate = learningRate;
    }

    @Override
    public void step(NDArray image, NDArray gradient) {
        if (firstMoment == null) {
            firstMoment = StateArrays.keep(manager, image.zerosLike());
            secondMoment = StateArrays.keep(manager, image.zerosLike());
        }
        steps++;
        // Temporaries are made in the first operand's manager: borrow the state into a
        // scratch manager so everything this step allocates is freed when it closes.
        try (NDManager scratch = manager.newSubManager()) {
            scratch.tempAttachAll(image, gradient, firstMoment, secondMoment);
            firstMoment.addi(gradient.sub(firstMoment).muli(Scalars.like(gradient, 1 - BETA1)));
            secondMoment.muli(Scalars.like(gradient, BETA2)).addi(gradient.square().muli(Scalars.like(gradient, 1 - BETA2)));
            double stepSize = learningRate / (1 - Math.pow(BETA1, steps));
            double correction2 = Math.sqrt(1 - Math.pow(BETA2, steps));
            NDArray denominator = secondMoment.sqrt().divi(Scalars.like(image, correction2)).addi(Scalars.like(image, EPSILON));
            image.subi(firstMoment.div(denominator).muli(Scalars.like(image, stepSize)));
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
