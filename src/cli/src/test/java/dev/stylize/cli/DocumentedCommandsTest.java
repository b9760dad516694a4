package dev.stylize.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bin/stylize command line in README, docs/, infra/ and test-events/ parses against the real
 * commands, and every file it reads ships or is made by an earlier command (the rules: {@link DocumentChecks}).
 */
class DocumentedCommandsTest {
    private static final Path ROOT = DocumentChecks.repositoryRoot();

    @Test
    void everyDocumentedCommandParsesAndReadsOnlyFilesThatAreThere() {
        List<String> problems = new ArrayList<>();
        int parsed = 0;
        for (Path document : DocumentChecks.documents(ROOT)) {
            DocumentChecks.CommandReport report = DocumentChecks.commands(ROOT, ROOT.relativize(document).toString(),
                    DocumentChecks.read(document));
            problems.addAll(report.problems());
            parsed += report.parsed();
        }
        assertEquals(List.of(), problems);
        assertTrue(parsed >= 50, "only " + parsed + " command lines found: is the check still reading the documents?");
    }

    @Test
    void theMainCommandIsChecked() {
        DocumentChecks.CommandReport readme = check(DocumentChecks.read(ROOT.resolve("README.md")));
        assertEquals(List.of(), readme.problems());
        DocumentChecks.CommandReport main = check("""
                ```bash
                bin/stylize local up && bin/stylize submit --content docs/examples/harbour.png --style-name swirls --watch
                ```
                """);
        assertEquals(new DocumentChecks.CommandReport(List.of(), 2, 0), main);
    }

    @Test
    void anUnknownFlagFails() {
        List<String> problems = check("""
                ```bash
                bin/stylize run --content docs/examples/harbour.png --style docs/examples/swirls.png \\
                  --out out/x.png --colour-mode warm
                ```
                """).problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("test.md:2: ") && problems.get(0).contains("--colour-mode"), problems.get(0));
    }

    @Test
    void anUnknownFlagInInlineCodeFails() {
        List<String> problems = check("Then `bin/stylize submit --content docs/examples/harbour.png\n--style-name swirls --wacth`.\n")
                .problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("--wacth"), problems.get(0));
    }

    @Test
    void aMissingRequiredOptionOrAWrongValueFails() {
        List<String> problems = check("""
                `bin/stylize run --content docs/examples/harbour.png --out out/x.png` and
                `bin/stylize bench --size large`, `bin/stylize local start`
                """).problems();
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("--style"), problems.get(0));
        assertTrue(problems.get(1).contains("large"), problems.get(1));
        assertTrue(problems.get(2).contains("start"), problems.get(2));
    }

    @Test
    void aFileThatNeitherShipsNorIsMadeFails() {
        List<String> problems = check("""
                ```bash
                bin/stylize run --content docs/examples/lighthouse.png --style docs/examples/swirls.png --out out/x.png
                bin/stylize run --content ../outside.png --style docs/examples/swirls.png --out out/y.png
                ```
                """).problems();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("reads docs/examples/lighthouse.png, which neither ships nor is made"), problems.get(0));
        assertTrue(problems.get(1).contains("reads ../outside.png, outside the repository"), problems.get(1));
    }

    @Test
    void aFileMadeByAnEarlierCommandIsThereButNotOneMadeLater() {
        String run = "bin/stylize run --content docs/examples/harbour.png --style docs/examples/swirls.png "
                + "--weights $W --out out/x.png";
        assertEquals(List.of(), check("""
                ```bash
                W=out/doc-test-weights.safetensors
                bin/stylize weights synth --seed 1 --out $W && \\
                %s
                python3 tools/bench/enlarge.py docs/examples/harbour.png 1024x768 out/doc-test-large.png
                bin/stylize run --content out/doc-test-large.png --style docs/examples/swirls.png --out out/y.png
                ```
                """.formatted(run)).problems());
        List<String> problems = check("""
                ```bash
                W=out/doc-test-weights.safetensors
                %s
                bin/stylize weights synth --seed 1 --out $W
                ```
                """.formatted(run)).problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("reads out/doc-test-weights.safetensors"), problems.get(0));
    }

    @Test
    void usagePatternsAndOtherProgramsAreNotCommandLines() {
        DocumentChecks.CommandReport report = check("""
                | `bin/stylize doctor [--json] [--bench-size PX \\| --no-bench]` | checks |
                `bin/stylize bench --precision fp32|bf16`, `bin/stylize run --scale-steps a,b,…`,
                `sam local invoke -e EVENT`, `bin/stylize local invoke` names a command.

                ```json
                {"command": "bin/stylize run --nothing"}
                ```
                """);
        assertEquals(new DocumentChecks.CommandReport(List.of(), 1, 3), report);
    }

    @Test
    void aCommandTheCheckCannotReadFails() {
        List<String> problems = check("""
                ```bash
                for s in 256 512; do bin/stylize bench --size $s; done
                echo bin/stylize run
                ```
                """).problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("echo bin/stylize run"), problems.get(0));
    }

    private static DocumentChecks.CommandReport check(String markdown) {
        return DocumentChecks.commands(ROOT, "test.md", markdown);
    }
}
