package dev.stylize.local.template;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the intrinsic functions template.yaml uses (Ref, Fn::GetAtt, Fn::Sub, Fn::Join,
 * Fn::Select) against a {@link Lookup} that knows what each name is where the template is
 * deployed (locally: the emulator's queue URLs, ARNs and names). A value that cannot be resolved
 * is an error naming it, never a guess.
 */
public final class Intrinsics {
    private static final Pattern SUB = Pattern.compile("\\$\\{([^}!][^}]*)}");

    /** What names mean in one deployment. */
    public interface Lookup {
        /** {@code !Ref name}: a parameter, a pseudo parameter (AWS::Region …) or a resource. */
        Object ref(String name);

        /** {@code !GetAtt resource.attribute}. */
        Object attribute(String resource, String attribute);
    }

    private final Lookup lookup;

    public Intrinsics(Lookup lookup) {
        this.lookup = lookup;
    }

    /** {@code value} with every intrinsic in it replaced by what it stands for. */
    @SuppressWarnings("unchecked")
    public Object resolve(Object value) {
        if (value instanceof Map<?, ?> map) {
            if (map.size() == 1) {
                Map.Entry<?, ?> only = map.entrySet().iterator().next();
                String key = (String) only.getKey();
                if (key.equals("Ref") || key.startsWith("Fn::")) {
                    return function(key, only.getValue());
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put((String) k, resolve(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(this::resolve).toList();
        }
        return value;
    }

    /** {@code value} resolved to text (numbers and booleans as CloudFormation writes them). */
    public String text(Object value) {
        Object resolved = resolve(value);
        if (resolved instanceof Map<?, ?> || resolved instanceof List<?>) {
            throw new IllegalArgumentException("expected a single value, got " + resolved);
        }
        return resolved == null ? null : String.valueOf(resolved);
    }

    private Object function(String name, Object argument) {
        return switch (name) {
            case "Ref" -> lookup.ref((String) argument);
            case "Fn::GetAtt" -> {
                List<?> parts = (List<?>) argument;
                yield lookup.attribute((String) parts.get(0), text(parts.get(1)));
            }
            case "Fn::Sub" -> argument instanceof List<?> withVariables
                    ? substitute((String) withVariables.get(0), (Map<?, ?>) withVariables.get(1))
                    : substitute((String) argument, Map.of());
            case "Fn::Join" -> {
                List<?> parts = (List<?>) argument;
                List<String> values = ((List<?>) resolve(parts.get(1))).stream().map(String::valueOf).toList();
                yield String.join((String) parts.get(0), values);
            }
            case "Fn::Select" -> {
                List<?> parts = (List<?>) argument;
                yield ((List<?>) resolve(parts.get(1))).get(Integer.parseInt(text(parts.get(0))));
            }
            default -> throw new IllegalArgumentException(name + " cannot be resolved locally");
        };
    }

    private String substitute(String template, Map<?, ?> variables) {
        Matcher m = SUB.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String expression = m.group(1).trim();
            String value;
            if (variables.containsKey(expression)) {
                value = text(variables.get(expression));
            } else if (expression.contains(".") && !expression.startsWith("AWS::")) {
                int dot = expression.indexOf('.');
                value = String.valueOf(lookup.attribute(expression.substring(0, dot), expression.substring(dot + 1)));
            } else {
                value = String.valueOf(lookup.ref(expression));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString().replace("${!", "${");
    }
}
