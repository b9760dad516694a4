/**
 * The GPU worker (Quarkus): {@code Worker} (lifecycle, health) and {@code WorkerWiring} build
 * a {@code JobLoop} that takes job messages; {@code MessageHandler} runs each under a lease and a
 * heartbeat; {@code Settlement} decides what becomes of the message and when to retry;
 * {@code JobRunner} runs the engine and {@code JobProgress} reports through the ledger.
 */
package dev.stylize.worker;
