package dev.stylize.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * One option a manifest or the command line may set: its name (as manifests, job.json and
 * events spell it), how a JSON value becomes it, and its bounds. The options themselves are
 * the constants of {@link PlanOptions}.
 *
 * @param <T> the option's value type
 */
public final class Option<T> {
    private interface Reader<T> {
        T read(Option<T> option, Object json);
    }

    private interface Check<T> {
        void check(Option<T> option, T value, Limits limits);
    }

    private final String name;
    private final Reader<T> reader;
    private final Check<T> check;
    private final Function<T, Object> writer;

    private Option(String name, Reader<T> reader, Check<T> check, Function<T, Object> writer) {
        this.name = name;
        this.reader = reader;
        this.check = check;
        this.writer = writer;
    }

    public String name() {
        return name;
    }

    /** @param json a value as Jackson reads it: Number, String, Boolean, List or Map */
    T read(Object json) {
        return reader.read(this, json);
    }

    void check(Object value, Limits limits) {
        @SuppressWarnings("unchecked") T typed = (T) value;
        check.check(this, typed, limits);
    }

    Object write(Object value) {
        @SuppressWarnings("unchecked") T typed = (T) value;
        return writer.apply(typed);
    }

    @Override
    public String toString() {
        return name;
    }

    static Option<Integer> wholeNumber(String name, ToIntFunction<Limits> min, ToIntFunction<Limits> max, String unit) {
        return new Option<>(name, Option::integer, (o, v, limits) -> {
            int lo = min.applyAsInt(limits);
            int hi = max.applyAsInt(limits);
            require(v >= lo && v <= hi, o + " must be from " + lo + " to " + hi + unit + ", got " + v);
        }, v -> v);
    }

    static Option<Long> anyWholeNumber(String name) {
        return new Option<>(name, (o, json) -> {
            double d = number(o, json);
            require(d == Math.rint(d) && Math.abs(d) < 9.0e15, o + " must be a whole number, got " + describe(json));
            return (long) d;
        }, (o, v, limits) -> { }, v -> v);
    }

    /** A weight: any finite number from 0 to {@link Limits#MAX_WEIGHT}. */
    static Option<Double> weight(String name) {
        return new Option<>(name, Option::number, (o, v, limits) -> require(Double.isFinite(v) && v >= 0 && v <= Limits.MAX_WEIGHT,
                o + " must be a number from 0 to " + Limits.text(Limits.MAX_WEIGHT) + ", got " + v), v -> v);
    }

    static Option<Double> learningRate(String name) {
        return new Option<>(name, Option::number, (o, v, limits) -> require(Double.isFinite(v) && v > 0
                && v <= Limits.MAX_LEARNING_RATE, o + " must be above 0 and at most " + Limits.text(Limits.MAX_LEARNING_RATE) + ", got " + v), v -> v);
    }

    static Option<Double> number(String name, double min, double max) {
        return new Option<>(name, Option::number, (o, v, limits) -> require(Double.isFinite(v) && v >= min && v <= max,
                o + " must be from " + Limits.text(min) + " to " + Limits.text(max) + ", got " + v), v -> v);
    }

    static Option<Boolean> flag(String name) {
        return new Option<>(name, (o, json) -> {
            if (json instanceof Boolean b) {
                return b;
            }
            throw new InvalidInputException(o + " must be true or false, got " + describe(json));
        }, (o, v, limits) -> { }, v -> v);
    }

    /** One of an enum's constants, by its lower-case name. */
    static <E extends Enum<E>> Option<E> choice(String name, Class<E> type) {
        List<String> names = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).sorted().toList();
        return new Option<>(name, (o, json) -> Arrays.stream(type.getEnumConstants())
                .filter(e -> json instanceof String s && e.name().equalsIgnoreCase(s)).findFirst()
                .orElseThrow(() -> new InvalidInputException(o + " must be one of " + String.join(", ", names) + ", got "
                        + describe(json))), (o, v, limits) -> { }, v -> v.name().toLowerCase(Locale.ROOT));
    }

    /** Steps per coarse-to-fine scale, coarsest first. */
    static Option<List<Integer>> stepsPerScale(String name) {
        return new Option<>(name, (o, json) -> {
            if (!(json instanceof List<?> list) || list.isEmpty()) {
                throw new InvalidInputException(o + " must be a list of step counts, coarsest scale first, got " + describe(json));
            }
            List<Integer> steps = new ArrayList<>();
            for (Object item : list) {
                steps.add(integer(o, item));
            }
            return List.copyOf(steps);
        }, (o, v, limits) -> {
            require(v.size() <= Limits.MAX_SCALES, o + " lists at most " + Limits.MAX_SCALES + " scales, got " + v.size());
            for (int steps : v) {
                require(steps >= 1 && steps <= limits.maxSteps(),
                        o + " must each be from 1 to " + limits.maxSteps() + ", got " + steps);
            }
        }, v -> v);
    }

    /** Per-layer style weights: {"conv1_1": 1, "conv2_1": 0.75, …}. */
    static Option<Map<VggLayer, Double>> layerWeights(String name) {
        return new Option<>(name, (o, json) -> {
            if (!(json instanceof Map<?, ?> map) || map.isEmpty()) {
                throw new InvalidInputException(o + " must name at least one layer with its weight, e.g. {\"conv1_1\": 1}, got "
                        + describe(json));
            }
            Map<VggLayer, Double> layers = new EnumMap<>(VggLayer.class);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                VggLayer layer;
                try {
                    layer = VggLayer.fromLabel(String.valueOf(e.getKey()));
                } catch (IllegalArgumentException unknown) {
                    throw new InvalidInputException(o + ": " + unknown.getMessage());
                }
                layers.put(layer, number(o, e.getValue()));
            }
            return layers;
        }, (o, v, limits) -> v.forEach((layer, w) -> require(Double.isFinite(w) && w >= 0 && w <= Limits.MAX_WEIGHT,
                o + ": the weight of " + layer.label() + " must be a number from 0 to 1e12, got " + w)), v -> {
            Map<String, Object> json = new java.util.LinkedHashMap<>();
            v.forEach((layer, w) -> json.put(layer.label(), w));
            return json;
        });
    }

    private static int integer(Option<?> o, Object json) {
        double d = number(o, json);
        require(d == Math.rint(d), o + " must be a whole number, got " + describe(json));
        require(Math.abs(d) <= Integer.MAX_VALUE, o + " is out of range, got " + describe(json));
        return (int) d;
    }

    /** JSON numbers, and numbers written as strings ("1e6", "NaN"), as Jackson's coercion reads them. */
    private static double number(Option<?> o, Object json) {
        if (json instanceof Number n) {
            return n.doubleValue();
        }
        if (json instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                // fall through to the message
            }
        }
        throw new InvalidInputException(o + " must be a number, got " + describe(json));
    }

    private static String describe(Object json) {
        return json instanceof String s ? "'" + s + "'" : String.valueOf(json);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new InvalidInputException(message);
        }
    }
}
