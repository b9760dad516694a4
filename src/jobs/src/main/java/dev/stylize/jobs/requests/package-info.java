/**
 * Jobs asked for through the API, owned by the caller who asked: submit (a request and a
 * presigned upload), look, cancel, and how an unfinished request ends. Shared by the API function,
 * the intake (which adopts an uploaded request) and anything else that submits or cancels.
 */
package dev.stylize.jobs.requests;
