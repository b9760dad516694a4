/**
 * template.yaml as the local stack reads it: its YAML with CloudFormation's short-form tags, the
 * intrinsic functions resolved against local names, each function's definition (handler, memory,
 * timeout, environment, triggers, retries), and the copy without the GPU worker that LocalStack's
 * community edition deploys. Uses SnakeYAML and nothing else of the service.
 */
package dev.stylize.local.template;
