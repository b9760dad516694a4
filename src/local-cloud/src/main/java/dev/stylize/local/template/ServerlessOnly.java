package dev.stylize.local.template;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * template.yaml without the GPU worker, for an emulator that runs Lambda but not ECS, EC2 or
 * Auto Scaling (LocalStack's community edition): the resources of those services go, then
 * every resource, output and parameter that only they used, until nothing dangles. The rest
 * (bucket, queues, topic, functions with their events, roles, EventInvokeConfig, alarms on
 * kept queues) stays exactly as written; CodeUri paths become absolute so the copy deploys
 * from anywhere.
 */
public final class ServerlessOnly {
    private static final List<String> NOT_SERVERLESS = List.of("AWS::ECS::", "AWS::AutoScaling::",
            "AWS::ApplicationAutoScaling::", "AWS::EC2::");
    private static final Set<String> OBSERVERS = Set.of("AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard");

    private ServerlessOnly() {
    }

    @SuppressWarnings("unchecked")
    public static Template of(Template template) {
        Map<String, Object> root = (Map<String, Object>) Template.copy(template.root());
        Map<String, Object> resources = (Map<String, Object>) root.get("Resources");
        Set<String> dropped = resources.keySet().stream()
                .filter(id -> NOT_SERVERLESS.stream().anyMatch(template.type(id).orElse("")::startsWith))
                .collect(Collectors.toCollection(HashSet::new));
        for (int before = -1; before != dropped.size(); ) {
            before = dropped.size();
            for (String id : resources.keySet()) {
                if (dropped.contains(id)) {
                    continue;
                }
                boolean usesDropped = references(resources.get(id)).stream().anyMatch(dropped::contains);
                Set<String> users = usesOf(id, resources);
                boolean onlyForDropped = !users.isEmpty() && dropped.containsAll(users);
                if (usesDropped || onlyForDropped) {
                    dropped.add(id);
                }
            }
        }
        dropped.forEach(resources::remove);
        Map<String, Object> outputs = (Map<String, Object>) root.getOrDefault("Outputs", new LinkedHashMap<>());
        outputs.entrySet().removeIf(e -> references(e.getValue()).stream().anyMatch(dropped::contains));

        // Conditions that only dropped resources named (the fleet's Spot and instance types) go too.
        Map<String, Object> conditions = (Map<String, Object>) root.getOrDefault("Conditions", new LinkedHashMap<>());
        Set<String> usedConditions = new HashSet<>();
        for (String section : List.of("Resources", "Outputs", "Globals")) {
            usedConditions.addAll(conditionsNamed(root.get(section)));
        }
        for (int before = -1; before != usedConditions.size(); ) {
            before = usedConditions.size();
            for (String name : List.copyOf(usedConditions)) {
                usedConditions.addAll(conditionsNamed(conditions.get(name)));
            }
        }
        conditions.keySet().removeIf(c -> !usedConditions.contains(c));
        if (conditions.isEmpty()) {
            root.remove("Conditions");
        }

        Set<String> used = new HashSet<>();
        for (String section : List.of("Resources", "Outputs", "Globals", "Conditions")) {
            used.addAll(references(root.get(section)));
        }
        Map<String, Object> parameters = (Map<String, Object>) root.getOrDefault("Parameters", new LinkedHashMap<>());
        parameters.keySet().removeIf(p -> !used.contains(p));

        Template result = template.with(root);
        for (String id : result.resourcesOfType("AWS::Serverless::Function")) {
            Map<String, Object> p = (Map<String, Object>) Template.map(resources.get(id)).get("Properties");
            if (p.get("CodeUri") instanceof String path) {
                p.put("CodeUri", template.codeRoot().resolve(path).normalize().toString());
            }
        }
        root.put("Description", "Generated from template.yaml for LocalStack: the serverless part only (no GPU worker).");
        return result;
    }

    /**
     * Resources that refer to {@code id} and need it. Alarms and dashboards only watch what they
     * name: a function watched only by the dropped worker's dashboard stays.
     */
    private static Set<String> usesOf(String id, Map<String, Object> resources) {
        return resources.entrySet().stream()
                .filter(r -> !OBSERVERS.contains(String.valueOf(Template.map(r.getValue()).get("Type"))))
                .filter(r -> !r.getKey().equals(id) && references(r.getValue()).contains(id))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    /** The conditions a value names: a resource's or output's Condition, Fn::If's first argument, Condition in a condition. */
    static Set<String> conditionsNamed(Object value) {
        Set<String> names = new HashSet<>();
        collectConditions(value, names);
        return names;
    }

    private static void collectConditions(Object value, Set<String> names) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if ("Condition".equals(k) && v instanceof String s) {
                    names.add(s);
                } else if ("Fn::If".equals(k) && v instanceof List<?> l && !l.isEmpty()) {
                    names.add(String.valueOf(l.get(0)));
                    l.subList(1, l.size()).forEach(x -> collectConditions(x, names));
                } else {
                    collectConditions(v, names);
                }
            });
        } else if (value instanceof List<?> list) {
            list.forEach(v -> collectConditions(v, names));
        }
    }

    /** Every name a value refers to: Ref, Fn::GetAtt, ${...} in Fn::Sub, DependsOn. */
    static Set<String> references(Object value) {
        Set<String> names = new HashSet<>();
        collect(value, names);
        return names;
    }

    private static void collect(Object value, Set<String> names) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                String key = String.valueOf(k);
                if (key.equals("Ref") && v instanceof String s) {
                    names.add(s);
                } else if (key.equals("Fn::GetAtt") && v instanceof List<?> l && !l.isEmpty()) {
                    names.add(String.valueOf(l.get(0)));
                } else if (key.equals("Fn::Sub")) {
                    String text = v instanceof List<?> l ? String.valueOf(l.get(0)) : String.valueOf(v);
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{([A-Za-z0-9:]+)").matcher(text);
                    while (m.find()) {
                        names.add(m.group(1));
                    }
                    if (v instanceof List<?> l && l.size() > 1) {
                        collect(l.get(1), names);
                    }
                } else if (key.equals("DependsOn")) {
                    if (v instanceof String s) {
                        names.add(s);
                    } else if (v instanceof List<?> l) {
                        l.forEach(d -> names.add(String.valueOf(d)));
                    }
                } else {
                    collect(v, names);
                }
            });
        } else if (value instanceof List<?> list) {
            list.forEach(v -> collect(v, names));
        }
    }
}
