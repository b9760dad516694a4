/**
 * SDK clients for AWS or for an emulator at a local endpoint.
 */
package dev.stylize.jobs.aws;
