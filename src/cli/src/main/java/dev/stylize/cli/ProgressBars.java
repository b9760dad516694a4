package dev.stylize.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.InputStream;
import java.time.Duration;

/** The one look of a progress bar in bin/stylize: steps, on stderr, plain ASCII (logs and CI read it too). */
final class ProgressBars {
    private ProgressBars() {
    }

    static ProgressBar steps(String task, int total, int start) {
        return bar(task).setInitialMax(Math.max(1, total)).startsFrom(start, Duration.ZERO).setUnit(" it", 1).build();
    }

    /** A download of {@code totalBytes} (unknown: -1), counted in MiB as {@code in} is read. */
    static InputStream bytes(String task, InputStream in, long totalBytes) {
        return ProgressBar.wrap(in, bar(task).setInitialMax(totalBytes).setUnit(" MiB", 1 << 20));
    }

    private static ProgressBarBuilder bar(String task) {
        return new ProgressBarBuilder()
                .setTaskName(task.length() > 24 ? task.substring(0, 24) : task)
                .setStyle(ProgressBarStyle.ASCII)
                .showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(System.err));
    }
}
