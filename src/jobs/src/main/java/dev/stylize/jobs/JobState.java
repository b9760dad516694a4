package dev.stylize.jobs;

/**
 * Where a job is; all but the first two are terminal and match the outcome's status. EXPIRED: the
 * job was not started within its time to live (it waited out an outage, say) and never ran.
 */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, REJECTED, EXPIRED;

    public boolean isTerminal() {
        return this != QUEUED && this != RUNNING;
    }
}
