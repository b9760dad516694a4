/**
 * The web console ({@code bin/stylize console}): the JDK's HTTP server on 127.0.0.1, one static
 * page, and a small JSON API over the bucket, read and written with the user's own credentials.
 * Reads jobs through {@code jobs} (the ledger, the store); checks submissions with the intake's
 * own code ({@code functions.intake}'s image checks, {@code jobs}' manifest reader and layout);
 * shows the completion event as the notifier builds it. No DJL, no Quarkus.
 */
package dev.stylize.console;
