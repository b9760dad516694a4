package dev.stylize.jobs;

/**
 * Where a job is. AWAITING_UPLOAD: asked for through the API, its photo not uploaded yet. QUEUED
 * and RUNNING: accepted, waiting for or held by a worker. The rest are terminal and match the
 * outcome's status: EXPIRED, the job was not started within its time to live (or its photo never
 * came); CANCELLED, its owner cancelled it.
 */
public enum JobState {
    AWAITING_UPLOAD, QUEUED, RUNNING, SUCCEEDED, FAILED, REJECTED, EXPIRED, CANCELLED;

    public boolean isTerminal() {
        return this != AWAITING_UPLOAD && this != QUEUED && this != RUNNING;
    }
}
