package dev.stylize.plan;

/** One resolution of a schedule: the result's longest side there, and the steps spent there. */
public record Scale(int size, int steps) {
    public Scale {
        if (size < 1 || steps < 1) {
            throw new IllegalArgumentException("a scale has a size and steps of at least 1: " + size + " px x " + steps);
        }
    }

    @Override
    public String toString() {
        return size + " px x " + steps;
    }
}
