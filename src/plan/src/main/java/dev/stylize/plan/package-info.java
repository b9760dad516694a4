/**
 * What a stylisation will do, decided once at the edge: presets, the options a caller may set
 * with their names and bounds ({@link dev.stylize.plan.PlanOptions}, {@link dev.stylize.plan.Limits}),
 * coarse-to-fine schedules ({@link dev.stylize.plan.Schedule}) and the resolved
 * {@link dev.stylize.plan.StylePlan}. Pure Java: the intake uses it as well as the engine.
 */
package dev.stylize.plan;
