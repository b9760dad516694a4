/**
 * The whole service on one machine: the emulator process, the stack's resources, the functions,
 * the worker and the console as background processes. Used by {@code bin/stylize local} and by the
 * end-to-end, fault and load tests.
 */
package dev.stylize.local;
