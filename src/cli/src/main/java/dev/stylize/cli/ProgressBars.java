package dev.stylize.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.time.Duration;

/** The one look of a progress bar in bin/stylize: steps, on stderr, plain ASCII (logs and CI read it too). */
final class ProgressBars {
    private ProgressBars() {
    }

    static ProgressBar steps(String task, int total, int start) {
        return new ProgressBarBuilder()
                .setTaskName(task.length() > 24 ? task.substring(0, 24) : task)
                .setInitialMax(Math.max(1, total))
                .startsFrom(start, Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" it", 1)
                .showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
    }
}
