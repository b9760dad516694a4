package dev.stylize.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The options a caller set, each overriding its preset's value: what a manifest's "options"
 * say, what the command line's flags say, and the service's defaults. Every option a caller may
 * set is a constant here, with its name and bounds ({@link Option}); an unknown name is refused.
 * A {@link Preset} turns these into a {@link StylePlan}.
 */
public final class PlanOptions {
    public static final Option<Integer> STEPS = Option.wholeNumber("steps", l -> 1, Limits::maxSteps, "");
    public static final Option<Integer> MAX_SIZE = Option.wholeNumber("maxSize", Limits::minSize, Limits::maxSize, " pixels");
    public static final Option<Double> CONTENT_WEIGHT = Option.weight("contentWeight");
    public static final Option<Double> STYLE_WEIGHT = Option.weight("styleWeight");
    public static final Option<Double> TV_WEIGHT = Option.weight("tvWeight");
    public static final Option<Map<VggLayer, Double>> STYLE_LAYERS = Option.layerWeights("styleLayers");
    public static final Option<OptimizerKind> OPTIMIZER = Option.choice("optimizer", OptimizerKind.class);
    public static final Option<Double> LEARNING_RATE = Option.learningRate("learningRate");
    public static final Option<Init> INIT = Option.choice("init", Init.class);
    public static final Option<Long> SEED = Option.anyWholeNumber("seed");
    public static final Option<Pooling> POOLING = Option.choice("pooling", Pooling.class);
    public static final Option<Integer> CHECKPOINT_EVERY = Option.wholeNumber("checkpointEvery", l -> 1, Limits::maxSteps, "");
    public static final Option<Double> STYLE_SCALE = Option.number("styleScale", Limits.MIN_STYLE_SCALE, Limits.MAX_STYLE_SCALE);
    public static final Option<Boolean> KEEP_COLORS = Option.flag("keepColors");
    public static final Option<Integer> SCALES = Option.wholeNumber("scales", l -> 1, l -> Limits.MAX_SCALES, "");
    public static final Option<List<Integer>> SCALE_STEPS = Option.stepsPerScale("scaleSteps");
    /** The result's file; it changes nothing in the plan. */
    public static final Option<ResultFormat> FORMAT = Option.choice("format", ResultFormat.class);

    private static final List<Option<?>> ALL = List.of(STEPS, MAX_SIZE, CONTENT_WEIGHT, STYLE_WEIGHT, TV_WEIGHT, STYLE_LAYERS,
            OPTIMIZER, LEARNING_RATE, INIT, SEED, POOLING, CHECKPOINT_EVERY, STYLE_SCALE, KEEP_COLORS, SCALES, SCALE_STEPS, FORMAT);

    public static final PlanOptions NONE = new PlanOptions(Map.of());

    /** In the order of {@link #ALL}, so job.json and events list them the same way every time. */
    private final Map<Option<?>, Object> values;

    private PlanOptions(Map<Option<?>, Object> values) {
        Map<Option<?>, Object> ordered = new LinkedHashMap<>();
        ALL.stream().filter(values::containsKey).forEach(o -> ordered.put(o, values.get(o)));
        this.values = Collections.unmodifiableMap(ordered);
    }

    public static <T> PlanOptions of(Option<T> option, T value) {
        return NONE.with(option, value);
    }

    /** These options and {@code option}, or without it when {@code value} is null. */
    public <T> PlanOptions with(Option<T> option, T value) {
        Map<Option<?>, Object> copy = new LinkedHashMap<>(values);
        if (value == null) {
            copy.remove(option);
        } else {
            copy.put(option, value);
        }
        return new PlanOptions(copy);
    }

    public <T> Optional<T> get(Option<T> option) {
        @SuppressWarnings("unchecked") T value = (T) values.get(option);
        return Optional.ofNullable(value);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** Each of these, and {@code defaults}' value for every option these leave out. */
    public PlanOptions orElse(PlanOptions defaults) {
        Map<Option<?>, Object> merged = new LinkedHashMap<>(defaults.values);
        merged.putAll(values);
        return new PlanOptions(merged);
    }

    /**
     * @throws InvalidInputException naming the first option out of {@code limits}
     * @return this
     */
    public PlanOptions validate(Limits limits) {
        values.forEach((option, value) -> option.check(value, limits));
        return this;
    }

    /**
     * Reads options by name from a JSON object (as Jackson reads it), refusing unknown names and
     * values of the wrong type; bounds are {@link #validate}'s business.
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static PlanOptions fromJson(Map<String, Object> json) {
        Map<Option<?>, Object> values = new LinkedHashMap<>();
        json.forEach((name, value) -> {
            Option<?> option = ALL.stream().filter(o -> o.name().equals(name)).findFirst()
                    .orElseThrow(() -> new InvalidInputException("unknown option '" + name + "' (options are "
                            + ALL.stream().map(Option::name).collect(Collectors.joining(", ")) + ")"));
            if (value != null) {
                values.put(option, option.read(value));
            }
        });
        return new PlanOptions(values);
    }

    @JsonValue
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        values.forEach((option, value) -> json.put(option.name(), option.write(value)));
        return json;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PlanOptions other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
