/**
 * A local Lambda service: each function of template.yaml runs as its real package in its own JVM
 * under AWS's runtime interface client, served the Runtime API over HTTP, with the Invoke API,
 * asynchronous retries and OnFailure destinations, and the S3 and SQS event sources that feed it.
 * Uses the template's function definitions, the stack's resource names, the jobs module's JSON
 * and AWS clients, and the SDK's SQS client.
 */
package dev.stylize.local.lambda;
