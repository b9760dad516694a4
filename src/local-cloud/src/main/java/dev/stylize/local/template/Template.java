package dev.stylize.local.template;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * template.yaml as the local stack reads it: the one description of the service's wiring.
 * CloudFormation's short tags ({@code !Ref X}, {@code !GetAtt X.Arn}, {@code !Sub "..."}) become
 * their long forms ({@code {Ref: X}}, {@code {Fn::GetAtt: [X, Arn]}}, ...), as CloudFormation
 * itself reads them, so {@link Intrinsics} can resolve them against local names.
 */
public final class Template {
    private static final List<String> FUNCTIONS = List.of("Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs",
            "ImportValue", "Join", "Select", "Split", "Sub", "Transform", "And", "Equals", "If", "Not", "Or");

    private final Map<String, Object> root;
    private final Path codeRoot;

    private Template(Map<String, Object> root, Path codeRoot) {
        this.root = root;
        this.codeRoot = codeRoot;
    }

    /** The template at {@code file}; CodeUri paths are relative to its folder. */
    public static Template read(Path file) {
        return read(file, file.toAbsolutePath().getParent());
    }

    /** A template whose CodeUri paths are relative to {@code codeRoot} (a copy of template.yaml elsewhere). */
    @SuppressWarnings("unchecked")
    public static Template read(Path file, Path codeRoot) {
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Object root = new Yaml(new IntrinsicConstructor(new LoaderOptions())).load(yaml);
        if (!(root instanceof Map<?, ?> map) || !map.containsKey("Resources")) {
            throw new IllegalArgumentException("not a CloudFormation template: no Resources");
        }
        return new Template((Map<String, Object>) root, codeRoot.toAbsolutePath().normalize());
    }

    public Path codeRoot() {
        return codeRoot;
    }

    public Map<String, Object> root() {
        return root;
    }

    public Map<String, Object> resources() {
        return map(root.get("Resources"));
    }

    public Optional<String> type(String logicalId) {
        return Optional.ofNullable(resources().get(logicalId)).map(r -> (String) map(r).get("Type"));
    }

    public Map<String, Object> properties(String logicalId) {
        Object resource = resources().get(logicalId);
        if (resource == null) {
            throw new IllegalArgumentException("template.yaml has no resource " + logicalId);
        }
        return map(map(resource).get("Properties"));
    }

    public List<String> resourcesOfType(String type) {
        return resources().entrySet().stream().filter(r -> type.equals(map(r.getValue()).get("Type")))
                .map(Map.Entry::getKey).toList();
    }

    public Map<String, Object> parameters() {
        return map(root.get("Parameters"));
    }

    public Map<String, Object> outputs() {
        return map(root.get("Outputs"));
    }

    /** {@code Globals.Function}: SAM's defaults for every function. */
    public Map<String, Object> functionGlobals() {
        return map(map(root.get("Globals")).get("Function"));
    }

    /** Every AWS::Serverless::Function, resolved with {@code intrinsics}. */
    public List<FunctionDefinition> functions(Intrinsics intrinsics) {
        return resourcesOfType("AWS::Serverless::Function").stream()
                .map(id -> FunctionDefinition.of(this, id, intrinsics)).toList();
    }

    /** Writes the template as YAML (intrinsics in their long forms, which CloudFormation reads the same). */
    public void write(Path file) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setWidth(120);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, new Yaml(options).dump(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Template with(Map<String, Object> newRoot) {
        return new Template(newRoot, codeRoot);
    }

    /** {@code value} if it is a mapping, else an empty one. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** A deep, mutable copy of the parsed tree. */
    @SuppressWarnings("unchecked")
    static Object copy(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put((String) k, copy(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(copy(v)));
            return out;
        }
        return value;
    }

    /** SnakeYAML's safe constructor plus CloudFormation's short-form tags. */
    private static final class IntrinsicConstructor extends SafeConstructor {
        IntrinsicConstructor(LoaderOptions options) {
            super(options);
            yamlConstructors.put(new Tag("!Ref"), new Intrinsic("Ref"));
            yamlConstructors.put(new Tag("!Condition"), new Intrinsic("Condition"));
            for (String function : FUNCTIONS) {
                yamlConstructors.put(new Tag("!" + function), new Intrinsic("Fn::" + function));
            }
        }

        private final class Intrinsic extends AbstractConstruct {
            private final String key;

            Intrinsic(String key) {
                this.key = key;
            }

            @Override
            public Object construct(Node node) {
                Object value;
                if (node instanceof ScalarNode scalar) {
                    String text = constructScalar(scalar);
                    // !GetAtt Resource.Attribute is the short form of [Resource, Attribute]
                    value = key.equals("Fn::GetAtt") && text.contains(".")
                            ? List.of(text.substring(0, text.indexOf('.')), text.substring(text.indexOf('.') + 1))
                            : text;
                } else if (node instanceof SequenceNode sequence) {
                    value = constructSequence(sequence);
                } else {
                    value = constructMapping((MappingNode) node);
                }
                Map<String, Object> intrinsic = new LinkedHashMap<>();
                intrinsic.put(key, value);
                return intrinsic;
            }
        }
    }
}
