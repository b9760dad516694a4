/**
 * The notifier function package, two handlers: each outcome becomes one completion event on
 * SNS; each job message the queue gave up on becomes a FAILED outcome. Uses {@code jobs}; no DJL.
 */
package dev.stylize.functions.notifier;
