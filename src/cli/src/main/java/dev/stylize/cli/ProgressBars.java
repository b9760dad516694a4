package dev.stylize.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The one look of a progress bar in bin/stylize: steps, on stderr, plain ASCII (logs and CI read it too). */
final class ProgressBars {
    private ProgressBars() {
    }

    /**
     * Whether standard error is a terminal, where a bar redraws itself in place; anywhere else (a
     * file, a pipe, CI) it would leave a frame per redraw. Linux says through /proc what fd 2 is.
     */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return System.console() != null;
        }
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
