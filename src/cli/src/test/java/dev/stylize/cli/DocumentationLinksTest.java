package dev.stylize.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every relative link in README, docs/, infra/ and test-events/ leads to a file inside the repository. */
class DocumentationLinksTest {
    private static final Path ROOT = DocumentChecks.repositoryRoot();
    /** Where the in-memory documents below pretend to be. */
    private static final Path README = ROOT.resolve("README.md");

    @Test
    void everyRelativeLinkResolvesInsideTheRepository() {
        List<String> problems = new ArrayList<>();
        for (Path document : DocumentChecks.documents(ROOT)) {
            problems.addAll(DocumentChecks.brokenLinks(ROOT, document, DocumentChecks.read(document)));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theDocumentsAreTheOnesItSays() {
        List<String> names = DocumentChecks.documents(ROOT).stream().map(p -> ROOT.relativize(p).toString()).toList();
        assertTrue(names.containsAll(List.of("README.md", "infra/README.md", "test-events/README.md",
                "docs/algorithm.md", "docs/completion-event.md", "docs/operations.md", "docs/performance.md")), names.toString());
    }

    @Test
    void aLinkToAFileThatDoesNotExistFails() {
        List<String> problems = links("See [the algorithm](docs/algorithms.md) and [it](docs/algorithm.md).\n");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("no such file docs/algorithms.md"), problems.get(0));
    }

    @Test
    void aLinkThatLeavesTheRepositoryFailsEvenWhereTheFileExists() {
        // The repository's parent folder exists wherever the repository does.
        List<String> problems = links("The folder above: [up](..), ![x](../../x.png)\n");
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.stream().allMatch(p -> p.contains("leaves the repository")), problems.toString());
    }

    @Test
    void aLinkToAHeadingThatDoesNotExistFails() {
        List<String> problems = links("""
                # Title

                ## Where things are

                [here](#where-things-are), [there](docs/operations.md#memory-admission),
                [nowhere](#where-things-were), [gone](docs/operations.md#memory-refusal)
                """);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("no heading #where-things-were"), problems.get(0));
        assertTrue(problems.get(1).contains("no heading #memory-refusal in docs/operations.md"), problems.get(1));
    }

    @Test
    void linksInCodeAndLinksWithAScheme() {
        assertEquals(List.of(), links("""
                `[not a link](nowhere.md)` and [PyTorch](https://pytorch.org/nowhere)

                ```json
                {"a": "[x](nowhere.md)"}
                ```
                """));
    }

    @Test
    void headingsAreSluggedAsGitHubSlugsThem() {
        assertEquals(java.util.Set.of("on-a-gpu-nvidia-h200", "binstylize", "8k", "8k-1"),
                DocumentChecks.anchors("## On a GPU: NVIDIA H200\n## bin/stylize\n## 8K\n### 8K\n```\n# not a heading\n```\n"));
    }

    private static List<String> links(String markdown) {
        return DocumentChecks.brokenLinks(ROOT, README, markdown);
    }
}
