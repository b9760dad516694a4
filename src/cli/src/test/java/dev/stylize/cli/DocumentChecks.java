package dev.stylize.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What keeps the documents true: their links and their {@code bin/stylize} command lines.
 *
 * <p><b>Links.</b> Every {@code [text](target)} and {@code ![alt](target)} outside code must, when
 * it is relative, name a file or folder that exists and lies inside the repository (a {@code ../}
 * that climbs out of it is refused even where the file happens to exist); a {@code #fragment} on a
 * Markdown file must name one of its headings, slugged as GitHub slugs them. Links with a scheme
 * ({@code https:}) are not followed.
 *
 * <p><b>Commands.</b> A command line is a line of a fenced code block that is shell (unmarked, or
 * marked {@code bash}, {@code sh}, {@code shell}, {@code console}; lines ending in {@code \} joined
 * to the next, {@code #} comments dropped) or an inline code span, split at {@code &&},
 * {@code ||}, {@code ;}, {@code |} and {@code &}; leading {@code NAME=value} assignments and the
 * shell words {@code do}, {@code then} and {@code time} are set aside. One that then starts with
 * {@code bin/stylize} is parsed by picocli against the real command classes ({@link
 * Stylize#commandLine()}, {@code parseArgs}: nothing runs), so an unknown flag, a missing required
 * option or a value of the wrong type fails; one that only names a command and its subcommands
 * ({@code bin/stylize local invoke}, in prose) must name ones that exist. Usage patterns are not command lines: a command
 * containing {@code [}, {@code |} (inside a code span: a table's alternatives) or {@code …} is
 * skipped and counted as such. {@code $NAME} and {@code ${NAME}} take the value of an earlier
 * {@code NAME=value} in the same document, or the first value of a {@code for NAME in …} loop (a
 * value made by {@code $(…)} stays unknown).
 *
 * <p><b>Files.</b> Each file a parsed command reads ({@link #READS}) must lie inside the repository
 * (relative to its root, where the commands run) and ship with it (exist, outside {@code out/} and
 * {@code target/}, which runs and builds leave behind), or be made by an earlier command line of the
 * same document: a {@code bin/stylize} command's {@link #WRITES} (a file, or anything under a
 * folder), or any path another program's command line in a code block names (a converter's or a
 * copy's output; for a URL, as {@code curl -LO} saves it, its last segment). Values with an
 * unknown variable, a URL or a home folder ({@code ~}) are not files of the repository and are
 * not checked.
 */
final class DocumentChecks {
    /** Options whose value is a file the command reads. */
    static final Set<String> READS = Set.of("--content", "--style", "--weights", "--resume", "--event", "--env-vars", "--from");
    /** Options whose value is a file or folder the command writes. */
    static final Set<String> WRITES = Set.of("--out", "--trace", "--checkpoint-dir");

    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");
    /** Fenced blocks whose lines are shell: unmarked, or marked as a shell. Others (json, text) hold no commands. */
    private static final Set<String> SHELLS = Set.of("", "bash", "sh", "shell", "console", "zsh");
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(.*)");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");
    private static final Set<String> SHELL_WORDS = Set.of("do", "then", "time", "export");

    private DocumentChecks() {
    }

    /** What the command check found in one document. */
    record CommandReport(List<String> problems, int parsed, int skipped) {
    }

    /** The repository's root: where bin/stylize runs and relative links start. Tests run in src/cli. */
    static Path repositoryRoot() {
        Path root = Path.of(System.getProperty("stylize.home", "../..")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("template.yaml")) || !Files.isRegularFile(root.resolve("README.md"))) {
            throw new IllegalStateException(root + " is not the repository's root");
        }
        return root;
    }

    /** The documents these checks keep true: README, docs/*.md, infra/README.md, test-events/README.md. */
    static List<Path> documents(Path root) {
        List<Path> documents = new ArrayList<>(List.of(root.resolve("README.md"), root.resolve("infra/README.md"),
                root.resolve("test-events/README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- links ----

    /** The broken links of {@code markdown}, the text of {@code document} (which need not exist). */
    static List<String> brokenLinks(Path root, Path document, String markdown) {
        List<String> problems = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        boolean fenced = false;
        for (int i = 0; i < lines.length; i++) {
            if (FENCE.matcher(lines[i]).find()) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher link = LINK.matcher(CODE_SPAN.matcher(lines[i]).replaceAll(""));
            while (link.find()) {
                String problem = linkProblem(root, document, markdown, link.group(1));
                if (problem != null) {
                    problems.add(root.relativize(document) + ":" + (i + 1) + ": " + link.group() + ": " + problem);
                }
            }
        }
        return problems;
    }

    private static String linkProblem(Path root, Path document, String markdown, String target) {
        if (target.matches("[a-zA-Z][a-zA-Z+.-]*:.*")) {
            return null; // https:, mailto: …
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? document : document.getParent().resolve(file).normalize();
        if (!resolved.startsWith(root)) {
            return "leaves the repository";
        }
        boolean self = resolved.equals(document);
        if (!self && !Files.exists(resolved)) {
            return "no such file " + root.relativize(resolved);
        }
        if (hash >= 0 && resolved.toString().endsWith(".md")
                && !anchors(self ? markdown : read(resolved)).contains(target.substring(hash + 1))) {
            return "no heading #" + target.substring(hash + 1) + " in " + root.relativize(resolved);
        }
        return null;
    }

    /** The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as hyphens. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : markdown.split("\n", -1)) {
            if (FENCE.matcher(line).find()) {
                fenced = !fenced;
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (!fenced && heading.matches()) {
                String slug = heading.group(1).toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
                int n = seen.merge(slug, 1, Integer::sum);
                anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
            }
        }
        return anchors;
    }

    // ---- commands ----

    /** Parses every {@code bin/stylize} command line of {@code markdown} and checks the files each reads. */
    static CommandReport commands(Path root, String name, String markdown) {
        CommandCheck check = new CommandCheck(root);
        for (Snippet snippet : snippets(markdown)) {
            if (snippet.usage()) {
                check.skipped++;
                continue;
            }
            for (String command : commandsOf(snippet.text())) {
                check.check(name + ":" + snippet.line(), command, snippet.inBlock());
            }
        }
        return new CommandReport(check.problems, check.parsed, check.skipped);
    }

    /**
     * Code that may hold commands, in document order: each logical line of a shell block, and each inline
     * code span (which may cross line breaks); {@code usage} marks a span that mentions bin/stylize as a
     * usage pattern rather than a command line.
     */
    record Snippet(int line, String text, boolean inBlock, boolean usage) {
    }

    static List<Snippet> snippets(String markdown) {
        List<Snippet> snippets = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        StringBuilder paragraph = new StringBuilder();
        int paragraphStart = 1;
        StringBuilder logical = new StringBuilder();
        int logicalStart = 1;
        String block = null; // the open fence's info string, else null
        for (int i = 0; i <= lines.length; i++) {
            String line = i < lines.length ? lines[i] : "";
            boolean fence = i < lines.length && FENCE.matcher(line).find();
            if (block != null && !fence) {
                if (!SHELLS.contains(block)) {
                    continue;
                }
                if (logical.isEmpty()) {
                    logicalStart = i + 1;
                }
                logical.append(line.endsWith("\\") ? line.substring(0, line.length() - 1) + " " : line);
                if (!line.endsWith("\\")) {
                    snippets.add(new Snippet(logicalStart, logical.toString(), true, false));
                    logical.setLength(0);
                }
            } else if (fence || line.isBlank() || i == lines.length) {
                Matcher span = CODE_SPAN.matcher(paragraph);
                while (span.find()) {
                    String code = span.group(1).replace('\n', ' ').trim();
                    int line0 = paragraphStart + (int) paragraph.substring(0, span.start()).chars().filter(c -> c == '\n').count();
                    boolean usage = code.contains("[") || code.contains("|") || code.contains("…");
                    if (!usage || code.contains("bin/stylize")) {
                        snippets.add(new Snippet(line0, code, false, usage));
                    }
                }
                paragraph.setLength(0);
                paragraphStart = i + 2;
                if (fence) {
                    block = block == null ? line.trim().substring(3).trim().toLowerCase(Locale.ROOT) : null;
                    logical.setLength(0);
                }
            } else {
                paragraph.append(line).append('\n');
            }
        }
        return snippets;
    }

    /** One document's command check: the variables and files its earlier command lines set and made. */
    private static final class CommandCheck {
        final Path root;
        final Map<String, String> variables = new HashMap<>();
        /** Files other programs' command lines named (exactly those). */
        final Set<Path> namedFiles = new HashSet<>();
        /** Files and folders bin/stylize commands wrote (a folder: everything under it). */
        final Set<Path> written = new HashSet<>();
        final List<String> problems = new ArrayList<>();
        int parsed;
        int skipped;

        CommandCheck(Path root) {
            this.root = root;
        }

        void check(String where, String command, boolean inBlock) {
            List<String> words = words(command);
            if (words.size() >= 4 && words.get(0).equals("for") && words.get(2).equals("in")) {
                variables.put(words.get(1), substitute(words.get(3))); // the loop's first value stands for all
                return;
            }
            List<String> assignments = new ArrayList<>();
            while (!words.isEmpty() && (ASSIGNMENT.matcher(words.get(0)).matches() || SHELL_WORDS.contains(words.get(0)))) {
                assignments.add(words.remove(0));
            }
            if (words.isEmpty()) { // NAME=value on its own: a variable for later lines
                for (String assignment : assignments) {
                    Matcher a = ASSIGNMENT.matcher(assignment);
                    if (a.matches() && !a.group(2).contains("$(") && !a.group(2).contains("`")) {
                        variables.put(a.group(1), substitute(a.group(2)));
                    }
                }
                return;
            }
            List<String> args = withoutRedirections(words).stream().map(this::substitute).toList();
            if (args.isEmpty()) {
                return;
            }
            if (!args.get(0).equals("bin/stylize") && !args.get(0).equals("./bin/stylize")) {
                if (args.contains("bin/stylize")) {
                    problems.add(where + ": `" + command.trim() + "`: bin/stylize in a place this check cannot read");
                } else if (inBlock) {
                    args.stream().map(arg -> root.resolve(fileNamed(arg)).normalize())
                            .filter(named -> named.startsWith(root) && !named.equals(root)).forEach(namedFiles::add);
                }
                return;
            }
            if (command.contains("[") || command.contains("…")) {
                skipped++;
                return;
            }
            parsed++;
            CommandLine cli = Stylize.commandLine();
            if (namesACommand(cli, args.subList(1, args.size()))) {
                return;
            }
            ParseResult result;
            try {
                result = cli.parseArgs(args.subList(1, args.size()).toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                problems.add(where + ": `" + command.trim() + "`: " + e.getMessage());
                return;
            }
            List<Path> writes = new ArrayList<>();
            for (; result != null; result = result.subcommand()) {
                for (OptionSpec option : result.matchedOptions()) {
                    for (String value : option.stringValues()) {
                        if (value.contains("$") || value.contains("://") || value.startsWith("~")) {
                            continue; // not a file of the repository
                        }
                        Path path = root.resolve(value).normalize();
                        boolean reads = READS.contains(option.longestName()) && !made(path);
                        if (reads && !path.startsWith(root)) {
                            problems.add(where + ": `" + command.trim() + "` reads " + value + ", outside the repository");
                        } else if (reads && !ships(root, path)) {
                            problems.add(where + ": `" + command.trim() + "` reads " + value
                                    + ", which neither ships nor is made by an earlier command");
                        } else if (WRITES.contains(option.longestName())) {
                            writes.add(path);
                        }
                    }
                }
            }
            written.addAll(writes); // after the reads: a command does not make its own input
        }

        private boolean made(Path path) {
            return namedFiles.contains(path) || written.stream().anyMatch(path::startsWith);
        }

        private String substitute(String word) {
            return VARIABLE.matcher(word).replaceAll(v -> Matcher.quoteReplacement(
                    variables.getOrDefault(v.group(1), v.group())));
        }
    }

    /** Whether {@code path} ships: it exists, and not in what a build or a run leaves behind ({@code out/}, {@code target/}). */
    static boolean ships(Path root, Path path) {
        Path inside = root.relativize(path);
        boolean left = inside.startsWith("out") || Stream.iterate(inside, p -> p != null, Path::getParent)
                .anyMatch(p -> p.getFileName() != null && p.getFileName().toString().equals("target"));
        return !left && Files.exists(path);
    }

    /** Whether {@code words} are only the names of a command and its subcommands ({@code local invoke}): prose naming it. */
    private static boolean namesACommand(CommandLine cli, List<String> words) {
        CommandLine command = cli;
        for (String word : words) {
            command = command.getSubcommands().get(word);
            if (command == null) {
                return false;
            }
        }
        return !words.isEmpty();
    }

    /** The path a word names: a URL's last segment (where curl -O saves it), else the word itself. */
    private static String fileNamed(String word) {
        return word.contains("://") ? word.substring(word.lastIndexOf('/') + 1) : word;
    }

    /** The words without the shell's redirections ({@code > file}, {@code 2>&1}, {@code <file}). */
    private static List<String> withoutRedirections(List<String> words) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (word.matches("\\d*[<>]{1,2}")) {
                i++; // the file follows
            } else if (!word.matches("\\d*[<>]{1,2}.+")) {
                kept.add(word);
            }
        }
        return kept;
    }

    /** A line split into commands at &&, ||, ;, | and & outside quotes, up to a # comment. */
    static List<String> commandsOf(String line) {
        List<String> commands = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            char before = i > 0 ? line.charAt(i - 1) : ' ';
            if (quote == 0 && (c == '\'' || c == '"')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            } else if (quote == 0 && c == '#' && Character.isWhitespace(before)) {
                break;
            } else if (quote == 0 && (c == ';' || c == '|' || (c == '&' && before != '>'))) {
                commands.add(current.toString());
                current.setLength(0);
                continue;
            }
            current.append(c);
        }
        commands.add(current.toString());
        return commands.stream().filter(c -> !c.isBlank()).toList();
    }

    /** A command's words, with quotes as the shell takes them. */
    static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (char c : command.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
