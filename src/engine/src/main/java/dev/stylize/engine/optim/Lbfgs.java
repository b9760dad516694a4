package dev.stylize.engine.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.stylize.engine.tensor.Scalars;
import dev.stylize.engine.tensor.TorchGraph;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * Limited-memory BFGS with a fixed step instead of a line search: one loss evaluation per
 * step, the rule torch.optim.LBFGS uses without {@code line_search_fn} and that
 * jcjohnson/neural-style and most style-transfer code run. The first step is scaled to
 * {@code min(1, 1/|g|_1) * lr}, later steps take {@code lr} along the two-loop direction.
 * Curvature pairs with y·s ≤ 1e-10 are skipped, as in PyTorch.
 *
 * <p>That first step moves the whole image by {@code lr} in L1, so each pixel by about lr/N: at
 * print sizes less than a float32 pixel can hold (and in bf16 less than the convolutions see),
 * so the image does not change, the pair is skipped, and the second step takes the raw gradient
 * at full length (a loss 200 to 560 times higher at the start of each scale, measured from 960 px
 * up). A finer scale of a coarse-to-fine run therefore starts with the step size the coarser
 * scale ended with, per pixel ({@link #lastStepRms}), which is resolvable at any size.
 *
 * <p>The history holds up to 100 pairs, each two image-sized arrays: at print sizes that is more
 * memory than the rest of the step, so a run can keep fewer (see {@code MemoryEstimate.Profile#plan}).
 * Every temporary is freed as soon as it is used, so a step needs about three image-sized arrays
 * beyond the history. The two-loop recursion is one call of a small graph ({@code lbfgs-direction.pt}):
 * op by op it would read two dot products per pair back to the host, each a wait on a GPU.
 */
public final class Lbfgs implements ImageOptimizer {
    /** PyTorch's and jcjohnson/neural-style's history length. */
    public static final int HISTORY = 100;
    private static final double CURVATURE_EPSILON = 1e-10;

    private final NDManager manager;
    /** The two-loop recursion ({@code tools/engine/export_optimizers.py}). */
    private final TorchGraph twoLoops;
    private final double learningRate;
    private final int historyLimit;
    /** The first step's root-mean-square per element, or 0 for PyTorch's first step. */
    private final double firstStepRms;
    /** Newest last: (s, y, 1/(y·s)). */
    private final Deque<Pair> history = new ArrayDeque<>();
    private NDArray previousGradient;
    private NDArray previousStep;
    private double hessianDiagonal = 1;
    private long steps;

    private record Pair(NDArray s, NDArray y, double rho) {
    }

    /**
     * @param historyLimit how many curvature pairs to keep, 1 to {@value #HISTORY}
     * @param firstStepRms the first step's size, root-mean-square per element (a coarser scale's
     *                     {@link #lastStepRms}), or 0 for PyTorch's {@code min(1, 1/|g|_1) * lr}
     */
    public Lbfgs(NDManager manager, double learningRate, int historyLimit, double firstStepRms) {
        if (historyLimit < 1 || historyLimit > HISTORY) {
            throw new IllegalArgumentException("history must be from 1 to " + HISTORY + ", got " + historyLimit);
        }
        this.manager = manager;
        this.twoLoops = TorchGraph.load(manager, Lbfgs.class, "lbfgs-direction.pt");
        this.learningRate = learningRate;
        this.historyLimit = historyLimit;
        this.firstStepRms = firstStepRms;
    }

    @Override
    public void step(NDArray image, NDArray gradient) {
        try (NDManager scratch = manager.newSubManager()) {
            scratch.tempAttachAll(image, gradient);
            NDArray g = gradient.flatten();
            if (previousGradient != null) {
                remember(g.sub(previousGradient), previousStep);
                previousGradient.close();
            }
            NDArray direction = direction(g, scratch);
            double t = steps > 0 ? learningRate
                    : firstStepRms > 0 ? lengthFor(firstStepRms, g)
                    : Math.min(1.0, 1.0 / l1Norm(g)) * learningRate;
            NDArray stepVector = direction.muli(Scalars.like(g, t));
            image.addi(stepVector.reshape(image.getShape()));
            previousGradient = StateArrays.keep(manager, g);
            previousStep = StateArrays.keep(manager, stepVector);
        }
        steps++;
    }

    /** Adds the pair (s, y) to the history, taking ownership of {@code s}; skips it without curvature. */
    private void remember(NDArray y, NDArray s) {
        double ys = Scalars.value(y.dot(s));
        if (ys <= CURVATURE_EPSILON) {
            s.close();
            return;
        }
        if (history.size() == historyLimit) {
            Pair oldest = history.removeFirst();
            oldest.s().close();
            oldest.y().close();
        }
        history.addLast(new Pair(s, StateArrays.keep(manager, y), 1.0 / ys));
        hessianDiagonal = ys / Scalars.value(y.dot(y));
    }

    /** The two-loop recursion: -H g from the stored pairs, in one call of its graph, as a new array in {@code scratch}. */
    private NDArray direction(NDArray g, NDManager scratch) {
        if (history.isEmpty()) {
            return g.neg();
        }
        try (NDManager arguments = TorchGraph.arguments()) {
            NDList inputs = new NDList(TorchGraph.unnamed(g, arguments));
            history.forEach(p -> inputs.add(TorchGraph.named(p.s(), "s[]", arguments)));
            history.forEach(p -> inputs.add(TorchGraph.named(p.y(), "y[]", arguments)));
            inputs.add(arguments.create(history.stream().mapToDouble(Pair::rho).toArray()));
            inputs.add(arguments.create(hessianDiagonal));
            return twoLoops.run(inputs, scratch).singletonOrThrow();
        }
    }

    /** The last step's root-mean-square per element; 0 before the first step. */
    public double lastStepRms() {
        return previousStep == null ? 0 : rms(previousStep);
    }

    /** The t that makes t·g's root mean square {@code rms}; 0 for a zero gradient (a zero step, not 0·∞). */
    private static double lengthFor(double rms, NDArray g) {
        double size = rms(g);
        return size > 0 ? rms / size : 0;
    }

    private static double rms(NDArray v) {
        return Math.sqrt(Scalars.value(v.dot(v)) / v.size());
    }

    private static double l1Norm(NDArray g) {
        try (NDArray abs = g.abs()) {
            return Scalars.value(abs.sum());
        }
    }

    @Override
    public NDList state() {
        NDList state = new NDList();
        double[] scalars = new double[history.size() + 2];
        scalars[0] = steps;
        scalars[1] = hessianDiagonal;
        int i = 0;
        for (Iterator<Pair> it = history.iterator(); it.hasNext(); i++) {
            Pair p = it.next();
            state.add(StateArrays.named(p.s(), "lbfgs.s." + i));
            state.add(StateArrays.named(p.y(), "lbfgs.y." + i));
            scalars[i + 2] = p.rho();
        }
        if (previousGradient != null) {
            state.add(StateArrays.named(previousGradient, "lbfgs.previousGradient"));
            state.add(StateArrays.named(previousStep, "lbfgs.previousStep"));
        }
        state.add(StateArrays.named(manager.create(scalars), "lbfgs.scalars"));
        return state;
    }

    @Override
    public void restore(NDList state, long imageSize) {
        NDArray scalarArray = state.get("lbfgs.scalars");
        if (scalarArray == null || scalarArray.getDataType() != ai.djl.ndarray.types.DataType.FLOAT64
                || scalarArray.size() < 2 || scalarArray.size() > HISTORY + 2) {
            throw new DamagedCheckpointException("the checkpoint has no valid L-BFGS history");
        }
        double[] scalars = scalarArray.toDoubleArray();
        steps = (long) StateArrays.requireNumber("L-BFGS step count", scalars[0], 0, Long.MAX_VALUE);
        hessianDiagonal = StateArrays.requireNumber("L-BFGS scaling", scalars[1], Double.MIN_VALUE, Double.MAX_VALUE);
        // A state saved before histories were bounded may hold more pairs than this run keeps: the newest stay.
        int skipped = Math.max(0, scalars.length - 2 - historyLimit);
        for (int i = skipped; i + 2 < scalars.length; i++) {
            StateArrays.requireNumber("L-BFGS curvature", scalars[i + 2], Double.MIN_VALUE, Double.MAX_VALUE);
            history.addLast(new Pair(StateArrays.restore(manager, state, "lbfgs.s." + i, imageSize),
                    StateArrays.restore(manager, state, "lbfgs.y." + i, imageSize), scalars[i + 2]));
        }
        if (state.get("lbfgs.previousGradient") != null) {
            previousGradient = StateArrays.restore(manager, state, "lbfgs.previousGradient", imageSize);
            previousStep = StateArrays.restore(manager, state, "lbfgs.previousStep", imageSize);
        }
    }
}
