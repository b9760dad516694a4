/**
 * A bucket's objects behind one small interface: S3 in production, an in-memory map in unit tests.
 */
package dev.stylize.jobs.store;
