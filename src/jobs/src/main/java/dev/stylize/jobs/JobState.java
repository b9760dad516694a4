package dev.stylize.jobs;

/** Where a job is; the last three are terminal and match the outcome's status. */
public enum JobState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, REJECTED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == REJECTED;
    }
}
